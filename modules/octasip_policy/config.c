/**
 * @file config.c  The policy's configuration, read from baresip's config
 *                 file at module load
 *
 * The keys, their values and defaults are listed in the module's header
 * comment (octasip_policy.c).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "policy.h"


static int list_conf(struct fraud_list *l, const char *key)
{
	char buf[1024], bad[64];
	int err;

	if (conf_get_str(conf_cur(), key, buf, sizeof(buf)))
		return 0;

	err = fraud_list_parse(l, buf, bad, sizeof(bad));
	if (err)
		warning("octasip_policy: %s: bad entry \"%s\" (expected"
			" digits with an optional '+', \"premium\" or"
			" \"emergency\")\n", key, bad);

	return err;
}


/* a module line that loads the recorder: it may be loaded again */
static int recorder_line(const struct pl *val, void *arg)
{
	(void)arg;

	if (!pl_strcasecmp(val, RECORDER))
		d.recorder_configured = true;

	return 0;
}


int read_config(struct fraud_cfg *fc)
{
	struct conf *conf = conf_cur();
	char buf[32];
	int err;

	fraud_cfg_defaults(fc);
	d.enc = ENC_PREFERRED;
	d.notice = true;
	d.busy_second = false;
	d.retention_days = 30;
	(void)re_snprintf(d.snd_path, sizeof(d.snd_path), ".");
	(void)re_snprintf(d.module_path, sizeof(d.module_path), ".");

	if (!conf_get_str(conf, "octasip_policy_encryption", buf,
			  sizeof(buf)) &&
	    enc_mode_from_str(buf, &d.enc)) {
		warning("octasip_policy: octasip_policy_encryption \"%s\":"
			" expected required, preferred or off\n", buf);
		return EINVAL;
	}

	err  = list_conf(&fc->deny, "octasip_policy_deny_prefixes");
	err |= list_conf(&fc->allow, "octasip_policy_allow_numbers");
	if (err)
		return EINVAL;

	(void)conf_get_str(conf, "octasip_policy_country_code", fc->cc,
			   sizeof(fc->cc));
	(void)conf_get_str(conf, "octasip_policy_intl_prefix", fc->intl,
			   sizeof(fc->intl));
	(void)conf_get_str(conf, "octasip_policy_trunk_prefix", fc->trunk,
			   sizeof(fc->trunk));
	(void)conf_get_u32(conf, "octasip_policy_max_calls_per_minute",
			   &fc->max_per_minute);
	(void)conf_get_u32(conf, "octasip_policy_max_calls_per_day",
			   &fc->max_per_day);
	(void)conf_get_u32(conf, "octasip_policy_max_concurrent",
			   &fc->max_concurrent);
	(void)conf_get_u32(conf, "octasip_policy_max_incoming_per_source",
			   &fc->max_incoming_per_source);
	(void)conf_get_u32(conf, "octasip_policy_max_incoming_per_address",
			   &fc->max_incoming_per_address);
	(void)conf_get_bool(conf, "octasip_policy_recording_notice",
			    &d.notice);
	(void)conf_get_bool(conf, "octasip_policy_busy_second_call",
			    &d.busy_second);
	(void)conf_get_u32(conf, "octasip_policy_recording_retention_days",
			   &d.retention_days);
	(void)conf_get_str(conf, "octasip_policy_user_agent", d.user_agent,
			   sizeof(d.user_agent));
	(void)conf_get_str(conf, "octasip_policy_tls_pins", d.tls_pins,
			   sizeof(d.tls_pins));
	(void)conf_get_str(conf, "snd_path", d.snd_path,
			   sizeof(d.snd_path));
	(void)conf_get_str(conf, "module_path", d.module_path,
			   sizeof(d.module_path));

	d.recorder_configured = false;
	(void)conf_apply(conf, "module", recorder_line, NULL);
	(void)conf_apply(conf, "module_app", recorder_line, NULL);

	return 0;
}
