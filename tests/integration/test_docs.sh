#!/usr/bin/env bash
# The docs against the code: every message, field and enum value of
# policies/sbx.proto has its place in docs/policy-reference.md (fields in
# their message's section), every long option of `sbx --help` is in sbx(1)
# and the other way round, and the documented `policy show` output
# round-trips through `policy check`.
# Env: SBX_SOURCE_DIR (default: two levels up), SBX (optional: the binary).
set -uo pipefail

src=${SBX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
proto=$src/policies/sbx.proto
ref=$src/docs/policy-reference.md
man=$src/docs/sbx.1.scd
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

for f in "$proto" "$ref" "$man"; do
	[ -r "$f" ] || { echo "missing $f"; exit 1; }
done

# "kind qualified.name [field]" per line: message Seccomp.Rule,
# field Seccomp.Rule action, enum Seccomp.Action, value Seccomp.Action KILL.
# Comments are dropped first; nesting is tracked with a stack of names.
extract() {
	sed -e 's://.*$::' "$proto" | awk '
	function scope(   s, i) {
		s = ""
		for (i = 1; i <= depth; i++) s = s (s == "" ? "" : ".") stack[i]
		return s
	}
	{
		line = $0
		while (match(line, /(message|enum)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{|\{|\}|(optional|repeated|required)[ \t]+[A-Za-z_.][A-Za-z0-9_.]*[ \t]+[a-z_][a-z0-9_]*[ \t]*=|[A-Z][A-Z0-9_]*[ \t]*=/)) {
			tok = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			if (tok ~ /^(message|enum)/) {
				split(tok, w, /[ \t{]+/)
				stack[++depth] = w[2]
				kind[depth] = w[1]
				print w[1], scope()
			} else if (tok == "{") {
				stack[++depth] = ""; kind[depth] = "block"
			} else if (tok == "}") {
				depth--
			} else if (tok ~ /^(optional|repeated|required)/) {
				split(tok, w, /[ \t=]+/)
				print "field", scope(), w[3]
			} else if (kind[depth] == "enum") {
				split(tok, w, /[ \t=]+/)
				print "value", scope(), w[1]
			}
		}
	}'
}

# The lines of the section headed "## NAME" or "### NAME", up to the next
# heading of level 2 or 3.
section() {
	awk -v want="$1" '
		/^##+ / { on = ($0 == "## " want || $0 == "### " want); next }
		on' "$ref"
}

items=$(extract)
if [ "$(grep -c '^field ' <<<"$items")" -lt 50 ]; then
	fail "extracted only $(grep -c '^field ' <<<"$items") fields from sbx.proto; the extractor is broken"
fi
checked=0
while read -r kind name field; do
	case $kind in
	message | enum)
		section "$name" | grep -q . ||
			fail "docs/policy-reference.md: no section '## $name' for $kind $name"
		;;
	field)
		section "$name" | grep -q "^| \`$field\` |" ||
			fail "docs/policy-reference.md: field $name.$field is not in the table of '## $name'"
		;;
	value)
		section "$name" | grep -q "^| \`$field\` |" ||
			fail "docs/policy-reference.md: enum value $name.$field is not in the table of '### $name'"
		;;
	esac
	checked=$((checked + 1))
done <<<"$items"
echo "checked $checked messages, fields and enum values of sbx.proto"

# The reverse: a documented field that the schema does not have.
# shellcheck disable=SC2016 # backquotes of Markdown, not a command
while read -r name; do
	[ -n "$name" ] || continue
	while read -r field; do
		grep -qx "[a-z]* $name $field" <<<"$items" ||
			fail "docs/policy-reference.md documents $name.$field, which sbx.proto does not have"
	done < <(section "$name" | sed -n 's/^| `\([a-zA-Z_0-9]*\)` |.*/\1/p')
done < <(sed -n 's/^##\{1,2\} \([A-Z][A-Za-z.]*\)$/\1/p' "$ref")

if [ -n "${SBX:-}" ] && [ -x "$SBX" ]; then
	help=$("$SBX" --help)
	opts_help=$(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u)
	opts_man=$(grep -o -- '--[a-z][a-z-]*' "$man" | sort -u)
	for o in $opts_help; do
		grep -qx -- "$o" <<<"$opts_man" || fail "sbx --help has $o, docs/sbx.1.scd does not"
	done
	for o in $opts_man; do
		grep -qx -- "$o" <<<"$opts_help" || fail "docs/sbx.1.scd has $o, sbx --help does not"
	done

	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for p in $("$SBX" policy list | awk '{print $1}'); do
		if ! "$SBX" policy show "$p" >"$tmp/$p.txtpb"; then
			fail "sbx policy show $p"
			continue
		fi
		out=$("$SBX" policy check "$tmp/$p.txtpb" 2>&1) ||
			fail "sbx policy show $p does not round-trip: $out"
		if ! "$SBX" policy show "$tmp/$p.txtpb" >"$tmp/$p.again" ||
			! cmp -s "$tmp/$p.txtpb" "$tmp/$p.again"; then
			fail "sbx policy show of the shown $p differs"
		fi
	done

	# The example policy of sbx-policy(5) is a valid policy.
	awk '/^```$/ { n++; next } n == 1' "$src/docs/sbx-policy.5.scd" \
		>"$tmp/example.txtpb"
	out=$("$SBX" policy check "$tmp/example.txtpb" 2>&1) ||
		fail "the example of docs/sbx-policy.5.scd: $out"
else
	echo "SBX not set: skipping the --help and policy show checks"
fi

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "docs match the code"
