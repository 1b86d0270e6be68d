# bash completion for octasip(1): subcommands, their actions, options and
# the values the options take.  Self-contained (bash-completion's helpers
# are not needed).  The option lists follow the getopt tables of
# modules/cli/cli_*.c (opts_SUBCOMMAND[_ACTION]); tests/e2e/test_cli_docs.py
# fails when they differ.

_octasip_actions()
{
	case $1 in
	account) echo "add set list remove import" ;;
	vault)   echo "status rekey" ;;
	calllog) echo "list export purge" ;;
	perm)    echo "list set reset" ;;
	crash)   echo "list show delete send consent" ;;
	stats)   echo "show" ;;
	data)    echo "export wipe" ;;
	support) echo "bundle" ;;
	esac
}

_octasip_options()
{
	local params="--regint --answermode --transport --mediaenc --outbound
		--param"

	case $1 in
	run)             echo "--tone --headless --init --log" ;;
	demo)            echo "--keep --seconds" ;;
	account\ add)    echo "--auth-user --realm --password-stdin
				--passphrase-fd $params" ;;
	account\ set)    echo "--passphrase-fd $params" ;;
	account\ *)      echo "--passphrase-fd" ;;
	vault\ rekey)    echo "--to --passphrase-fd --new-passphrase-fd" ;;
	vault\ *)        echo "--passphrase-fd" ;;
	calllog\ list)   echo "--limit --missed --json" ;;
	calllog\ export) echo "--format --since" ;;
	calllog\ purge)  echo "--older-than --peer --all" ;;
	crash\ delete)   echo "--all" ;;
	data\ export)    echo "--passphrase-fd" ;;
	data\ wipe)      echo "--yes" ;;
	support\ bundle) echo "--output --include-addresses --review --yes" ;;
	esac
	echo "--help"
}

# Options that take a value (the next word)
_octasip_takes_value()
{
	case $1 in
	-d|-o|--seconds|--auth-user|--realm|--passphrase-fd|--regint|\
	--answermode|--transport|--mediaenc|--outbound|--param|--to|\
	--new-passphrase-fd|--limit|--format|--since|--older-than|--peer|\
	--output) return 0 ;;
	esac
	return 1
}

_octasip()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local subs="init run demo account vault calllog perm crash stats data
		support help"
	local sub="" act="" i w

	COMPREPLY=()

	# the subcommand and its action: the first words that are neither
	# options nor option values
	for ((i = 1; i < COMP_CWORD; ++i)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -- ]]; then
			[[ $sub == run ]] && return 0   # baresip's arguments
			continue
		fi
		if [[ $w == -* ]]; then
			# "--opt value", or "--opt" "=" "value" (bash splits at =)
			if [[ $w != *=* ]] && _octasip_takes_value "$w"; then
				[[ ${COMP_WORDS[i+1]} == = ]] && ((++i))
				((++i))
			fi
			continue
		fi
		if [[ -z $sub ]]; then
			sub=$w
		elif [[ -z $act && -n $(_octasip_actions "$sub") ]]; then
			act=$w
			break
		fi
	done

	# the value of an option ("--opt value" or "--opt=value")
	[[ $prev == = && COMP_CWORD -ge 2 ]] && prev=${COMP_WORDS[COMP_CWORD-2]}
	case $prev in
	-d)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	-o|--output)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	--format)
		COMPREPLY=($(compgen -W "csv json" -- "$cur"))
		return 0 ;;
	--to)
		COMPREPLY=($(compgen -W "keyring systemd passphrase keyfile" \
			-- "$cur"))
		return 0 ;;
	--transport)
		COMPREPLY=($(compgen -W "udp tcp tls" -- "$cur"))
		return 0 ;;
	--answermode)
		COMPREPLY=($(compgen -W "manual early auto" -- "$cur"))
		return 0 ;;
	--mediaenc)
		COMPREPLY=($(compgen -W "srtp srtp-mand srtp-mandf dtls_srtp none" \
			-- "$cur"))
		return 0 ;;
	esac
	_octasip_takes_value "$prev" && return 0

	if [[ -z $sub ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-d -v --verbose --help --version" \
				-- "$cur"))
		else
			COMPREPLY=($(compgen -W "$subs" -- "$cur"))
		fi
		return 0
	fi

	if [[ $sub == help ]]; then
		[[ -z $act ]] && COMPREPLY=($(compgen -W "${subs% help}" \
			-- "$cur"))
		return 0
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_octasip_options "$sub${act:+ $act}")" \
			-- "$cur"))
		return 0
	fi

	if [[ -z $act && -n $(_octasip_actions "$sub") ]]; then
		COMPREPLY=($(compgen -W "$(_octasip_actions "$sub")" -- "$cur"))
		return 0
	fi

	# operands
	case "$sub $act" in
	"perm set")
		local n=0
		for ((i = 1; i < COMP_CWORD; ++i)); do
			[[ ${COMP_WORDS[i]} != -* ]] && ((++n))
		done
		if ((n == 2)); then
			COMPREPLY=($(compgen -W "microphone contacts storage
				phone_state recording" -- "$cur"))
		elif ((n == 3)); then
			COMPREPLY=($(compgen -W "allow deny once ask" -- "$cur"))
		fi ;;
	"crash consent")
		COMPREPLY=($(compgen -W "give revoke status" -- "$cur")) ;;
	"data export"|"support bundle"|"account import")
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
	return 0
}

complete -F _octasip octasip
