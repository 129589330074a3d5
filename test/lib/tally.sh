# shellcheck shell=bash
#
# test/lib/tally.sh: the pass/fail count that every test/*/run.sh keeps and
# ends with ("N passed, N failed"). Source it; then:
#   pass MESSAGE            (or: ok MESSAGE)   one check passed
#   fail MESSAGE [DETAIL...]                   one check failed; details indented
passed=0
failed=0

pass()
{
	passed=$((passed + 1))
	printf 'ok     %s\n' "$*"
}

ok()
{
	pass "$@"
}

fail()
{
	failed=$((failed + 1))
	printf 'FAILED %s\n' "$1"
	shift
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | head -n 40 | sed 's/^/    /'
	fi
}
