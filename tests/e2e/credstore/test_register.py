"""Registration against a real digest-checking registrar (Kamailio) with
secrets from the vault: over UDP and TLS; a wrong secret is refused and
reported while the other accounts still register; an account without a
secret gets one log line and blocks nothing; a regint=0 account gets its
password before its first call; no password prompt ever appears.  While
baresip runs, `octasip account add/remove` reach it without ctrl_tcp: a
new secret re-registers, a new account is created and registers, a
removed one is deleted, and the harness's ctrl_tcp client stays
connected."""

import harness
from csutil import Registrar, add_account, clear_accounts


class TestRegister(harness.TestCase):

    def test_udp_register_wrong_missing_and_noreg(self):
        reg = Registrar(self, {"alice": "alice-S3cret",
                               "bob": "bob-right",
                               "carol-auth": "carol-pw",
                               "erin": "erin-pw"})
        inst = harness.Instance(self, "alice")
        clear_accounts(inst)
        host = "127.0.0.1:%d" % reg.port
        add_account(inst, "sip:alice@" + host, "alice-S3cret",
                    extra=";regint=60")
        add_account(inst, "sip:bob@" + host, "bob-WRONG",
                    extra=";regint=60")
        add_account(inst, "sip:carol@" + host, "carol-pw",
                    auth_user="carol-auth", extra=";regint=60")
        # dave: an accounts line without any secret in the vault
        with open(inst.path("accounts"), "a") as f:
            f.write("<sip:dave@%s>;regint=60\n" % host)
        add_account(inst, "sip:erin@" + host, "erin-pw",
                    extra=";regint=0")

        inst.start()
        reg.wait_log(r"AUTH-OK user=alice ")
        reg.wait_log(r"AUTH-OK user=carol-auth ")
        reg.wait_log(r"AUTH-FAIL user=bob ")
        inst.wait_log(r"sip:bob@%s.*403 Forbidden" % host)
        inst.wait_log(r"no secret for sip:dave@%s in the vault" % host)

        # erin never registers: her first call is authenticated
        if harness.FAMILY == "1.0":
            # 1.0.0: uafind makes erin the current UA, which dial uses
            ok, _ = inst.command("uafind", "sip:erin@" + host)
            self.assertTrue(ok)
            inst.command("dial", "sip:echo@" + host)
        elif harness.FAMILY == "4":
            # 4.x has no current UA: /uafind moves erin to the head of
            # the list (index 0) and /dial takes the UA by index (else
            # it picks a registered account of the same host)
            ok, _ = inst.command("uafind", "sip:erin@" + host)
            self.assertTrue(ok)
            inst.command("dial", "sip:echo@%s 0" % host)
        else:
            # 1.1.0 has no current UA: dial takes the UA's place in the
            # list (the accounts file's order: erin is the fifth)
            inst.command("dial", "sip:echo@%s 4" % host)
            inst.wait_log(r"sip:erin@%s: selected for request" % host)
        reg.wait_log(r"AUTH-OK user=erin ")

        log = inst.log()
        self.assertNotIn("Please enter password", log)
        self.assertEqual(log.count("no secret for sip:dave@"), 1)
        self.assertNotIn("AUTH-OK user=bob ", reg.log())
        # all five accounts exist, and baresip still answers
        ok, data = inst.command("credstore_status")
        self.assertTrue(ok)
        self.assertIn("key source: keyfile", data)
        for u in ("alice", "bob", "carol", "erin"):
            self.assertIn("sip:%s@%s: secret from vault" % (u, host), data)
        self.assertIn("sip:dave@%s: no secret in vault" % host, data)
        self.assertNotIn("S3cret", data)
        self.assertEqual(inst.stop(), 0)

    def test_changes_reach_running_baresip(self):
        reg = Registrar(self, {"alice": "new-secret", "frank": "frank-pw"})
        host = "127.0.0.1:%d" % reg.port
        frank = "sip:frank@" + host
        inst = harness.Instance(self, "alice")
        clear_accounts(inst)
        add_account(inst, "sip:alice@" + host, "old-secret",
                    extra=";regint=60")
        inst.start()
        reg.wait_log(r"AUTH-FAIL user=alice ")

        # a new secret: the credential store sees the vault replaced,
        # re-reads it and re-registers
        p = add_account(inst, "sip:alice@" + host, "new-secret")
        self.assertIn("running baresip: octasip_credstore applies",
                      p.stdout)
        reg.wait_log(r"AUTH-OK user=alice ")

        # a new account: made from its new accounts line, it registers
        # with the vault's secret
        add_account(inst, frank, "frank-pw")
        inst.wait_log(r"account %s added" % frank)
        reg.wait_log(r"AUTH-OK user=frank ")

        # the CLI never connected to ctrl_tcp (1.0.0 serves one client:
        # a connection would have closed the harness's): still served
        ok, _ = inst.command("uafind", frank)
        self.assertTrue(ok)

        # removed: the account goes, baresip keeps running
        harness.octasip("account", "remove", frank, profile=inst.profile)
        inst.wait_log(r"account %s deleted" % frank)
        ok, _ = inst.command("uafind", frank)
        self.assertFalse(ok)
        ok, data = inst.command("credstore_status")
        self.assertTrue(ok)
        self.assertNotIn("frank", data)
        self.assertEqual(inst.stop(), 0)

    def test_tls_register(self):
        reg = Registrar(self, {"alice": "tls-S3cret"}, tls=True)
        inst = harness.Instance(self, "alice", config={"sip_cafile": reg.ca})
        clear_accounts(inst)
        aor = "sip:alice@127.0.0.1:%d;transport=tls" % reg.tls_port
        add_account(inst, aor, "tls-S3cret", extra=";regint=60")
        inst.start()
        reg.wait_log(r"AUTH-OK user=alice ")
        self.assertIn("TLS", reg.log().upper())
        self.assertNotIn("Please enter password", inst.log())
        self.assertEqual(inst.stop(), 0)


if __name__ == "__main__":
    harness.main()
