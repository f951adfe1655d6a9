#!/usr/bin/env bash
# check-connection names the step that fails and what to do: all good; a revoked token (401);
# nothing listening (connect); a certificate the system does not trust (TLS); no token at all.
source "$(dirname "$0")/lib.bash"

start_emulator
example_config "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

run_cmd 0 "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "  ok    token       accepted by 8x8"
expect_in "$WORK/out" "  ok    read        GET /Users answered 200"
expect_in "$WORK/out" "Everything eightsync needs from 8x8 works."
expect_in "$WORK/out" "  ok    site        none of the 0 users on the first page carries a site; until one does, new sites go under urn:ietf:params:scim:schemas:extension:8x8:1.1:User (assumed: set target.site_schema if this account uses the other URN)"
expect_in "$WORK/out" "  ok    visibility  cannot tell: every user on the first page (0) is one eightsync created; target.visibility is all"
expect_not_in "$WORK/out" "it-token"

# An account that keeps site under 8x8's 2.0 extension URN: check-connection says what it saw.
X8_2=urn:8x8:scim:schemas:extension:8x8user:2.0:User
emu_curl PATCH /_emulator/settings "{\"site_schema\":\"$X8_2\"}" >/dev/null
emu_curl POST /_emulator/users "[{\"userName\":\"s@example.com\",\"$X8_2\":{\"site\":\"London\"}},{\"userName\":\"t@example.com\"}]" >/dev/null
run_cmd 0 "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "  ok    site        1 of 2 users on the first page carry a site, under $X8_2; new sites go under it"
expect_in "$WORK/out" "  ok    visibility  2 of 2 users on the first page were not created by eightsync: 8x8 most likely shows every user (\"All users\"; else another identity provider made them), as target.visibility all says"
# target.site_schema names the other URN: check-connection says it does not match.
sed -i "s#^  visibility: all#  visibility: idp_only\n  site_schema: urn:ietf:params:scim:schemas:extension:8x8:1.1:User#" "$WORK/cfg.yaml"
run_cmd 0 "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "new sites go under urn:ietf:params:scim:schemas:extension:8x8:1.1:User (target.site_schema), which is NOT the one this account's users carry"
expect_in "$WORK/out" "target.visibility is idp_only, which is safe, but with all eightsync can adopt"
# A misspelt URN is a config error naming the key.
sed -i "s#site_schema: urn:ietf:params:scim:schemas:extension:8x8:1.1:User#site_schema: urn:8x8:site#" "$WORK/cfg.yaml"
run_cmd 1 "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "target.site_schema"
expect_in "$WORK/err" "found \"urn:8x8:site\""
sed -i "s#^  site_schema: urn:8x8:site##; s#^  visibility: idp_only#  visibility: all#" "$WORK/cfg.yaml"

run_cmd 6 env EIGHTSYNC_TOKEN=wrong-token "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "  FAIL  token       8x8 answered 401: the token is wrong or was revoked"
expect_not_in "$WORK/out" "wrong-token"

run_cmd 6 env -u EIGHTSYNC_TOKEN "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "  FAIL  token       environment variable EIGHTSYNC_TOKEN is not set"

# A self-signed certificate for the right name, which nothing trusts: the TLS step fails.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
plain=$EMU
kill "$EMU_PID"; wait "$EMU_PID" 2>/dev/null || true
start_emulator --cert "$WORK/cert.pem" --key "$WORK/key.pem"
sed "s#url: http://$plain/scim/v2#url: https://$EMU/scim/v2#" "$WORK/cfg.yaml" >"$WORK/tls.yaml"
run_cmd 7 "$EIGHTSYNC" check-connection -c "$WORK/tls.yaml"
expect_in "$WORK/out" "  FAIL  TLS         TLS handshake with 127.0.0.1 (certificate: self-signed certificate)"
expect_in "$WORK/out" "target.ca_file"
# Trusting that certificate through target.ca_file makes every step pass.
sed -i "s#^  url: https://$EMU/scim/v2#  url: https://$EMU/scim/v2\n  ca_file: $WORK/cert.pem#" "$WORK/tls.yaml"
run_cmd 0 "$EIGHTSYNC" check-connection -c "$WORK/tls.yaml"
expect_in "$WORK/out" "  ok    TLS         8x8's certificate verified for its host name"

# Nothing listening any more: the connect step fails.
kill "$EMU_PID"; wait "$EMU_PID" 2>/dev/null || true
run_cmd 7 "$EIGHTSYNC" check-connection -c "$WORK/tls.yaml"
expect_in "$WORK/out" "  FAIL  connect     connecting to 127.0.0.1:"
done_ok
