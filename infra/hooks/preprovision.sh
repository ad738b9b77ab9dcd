#!/bin/sh
# azd runs this before `azd provision` (and so `azd up`): the run API's key, a secure parameter of
# infra/main.bicep, must be set and as long as the silo requires, or the deployment would start a silo
# that refuses to run. azd passes the environment's values (azd env set ...) to hooks as variables.
set -eu
key="${SIGNALREPLAY_API_KEY:-}"
if [ "${#key}" -lt 16 ]; then
  echo "SIGNALREPLAY_API_KEY is not set or has fewer than 16 characters: azd env set SIGNALREPLAY_API_KEY \"\$(openssl rand -hex 24)\"" >&2
  exit 1
fi
echo "SIGNALREPLAY_API_KEY is set (${#key} characters)."
