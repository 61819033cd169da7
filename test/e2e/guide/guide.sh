#!/usr/bin/env bash
# Azure's "Authenticate clients for online endpoints" guide from a shell, with aml-auth where the
# guide has az. Run by test/e2e/guide.test.ts against a sandbox; it needs:
#   AML_AUTH_CLI     the built CLI (dist/cli.js)
#   CLOUD, TENANT    the sandbox's cloud file and tenant
#   SUBSCRIPTION_ID, RESOURCE_GROUP, WORKSPACE
#   ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET    an identity that may create roles (Owner)
#   CLIENT_APP_ID, CLIENT_SECRET            the identity the guide gives access to
#   CA_FILE          the sandbox's CA, for curl
#   GUIDE_DIR        this folder (the role files and endpoint.yml, as the guide writes them)
# Each scoring prints "score <what> <HTTP status>" on stdout for the test to check.
set -euo pipefail

aml() { node "$AML_AUTH_CLI" "$@"; }
# The admin signs in as a service principal; its secret comes from the environment only.
admin() {
  AZURE_CLIENT_ID="$ADMIN_CLIENT_ID" AZURE_CLIENT_SECRET="$ADMIN_CLIENT_SECRET" \
    aml "$@" --cloud "$CLOUD" --auth-method service-principal --tenant "$TENANT"
}
client() { AZURE_CLIENT_ID="$CLIENT_APP_ID" AZURE_CLIENT_SECRET="$CLIENT_SECRET" aml "$@"; }
WS=(--subscription "$SUBSCRIPTION_ID" --resource-group "$RESOURCE_GROUP" --workspace "$WORKSPACE")

score() { # score WHAT URI CREDENTIAL
  local status
  status=$(curl --silent --show-error --cacert "$CA_FILE" -o /dev/null -w '%{http_code}' \
    -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    --data @"$GUIDE_DIR/../../../assets/sample-request.json" "$2")
  echo "score $1 $status"
}

# --- Assign permissions to the identity: custom roles from the guide's JSON files.
# az role definition create --role-definition custom-role-for-control-plane.json --subscription <subscriptionId>
admin roles define --file "$GUIDE_DIR/custom-role-for-control-plane.json" \
  --subscription "$SUBSCRIPTION_ID" --resource-group "$RESOURCE_GROUP"
# az role definition create --role-definition custom-role-for-scoring.json --subscription <subscriptionId>
admin roles define --file "$GUIDE_DIR/custom-role-for-scoring.json" \
  --subscription "$SUBSCRIPTION_ID" --resource-group "$RESOURCE_GROUP"
# Run again, they are reused as they are.
eval "$(admin roles define --file "$GUIDE_DIR/custom-role-for-scoring.json" \
  --subscription "$SUBSCRIPTION_ID" --resource-group "$RESOURCE_GROUP" -o env)"
echo "define again $ROLE_OUTCOME"

# az role assignment create --assignee <identityId> --role "Custom role for …" --scope <workspace>
admin roles assign "${WS[@]}" --role "Custom role for control plane operations - online endpoint" \
  --assignee "$CLIENT_APP_ID" --scope workspace
admin roles assign "${WS[@]}" --role "Custom role for scoring - online endpoint" \
  --assignee "$CLIENT_APP_ID" --scope workspace
# Again: nothing is duplicated.
eval "$(admin roles assign "${WS[@]}" --role "Custom role for scoring - online endpoint" \
  --assignee "$CLIENT_APP_ID" --scope workspace -o env)"
echo "assign again $ROLE_ASSIGNMENT_EXISTED"

# --- Create an endpoint: az ml online-endpoint create -f endpoint.yml
eval "$(admin endpoints create "${WS[@]}" --file "$GUIDE_DIR/endpoint.yml" -o env)"
echo "created $ENDPOINT_NAME $ENDPOINT_AUTH_MODE $ENDPOINT_PROVISIONING_STATE"

# --- The client: a profile of its own, made from selectors (no wizard), for the rest of the guide.
client profiles save guide-client --cloud "$CLOUD" --auth-method service-principal \
  --tenant "$TENANT" "${WS[@]}" --endpoint churn-scorer --force

# --- key, in the guide's words:
# export SCORING_URI=$(az ml online-endpoint show -n … -o tsv --query scoring_uri)
# export DATA_PLANE_TOKEN=$(az ml online-endpoint get-credentials -n … -o tsv --query primaryKey)
{ read -r AUTH_MODE; read -r SCORING_URI; } < <(client creds -p guide-client -o tsv --query '[authMode, scoringUri]') # one value per line, as az prints a list
export SCORING_URI
export DATA_PLANE_TOKEN=$(client creds -p guide-client -o tsv --query primaryKey)
echo "credential $AUTH_MODE"
score key "$SCORING_URI" "$DATA_PLANE_TOKEN"
OLD_KEY=$DATA_PLANE_TOKEN

# The endpoint the guide created is reachable with its own key too (it has no deployment yet).
NEW_URI=$(client endpoints show -p guide-client --name "$ENDPOINT_NAME" -o tsv --query scoring_uri)
NEW_KEY=$(client creds -p guide-client --endpoint "$ENDPOINT_NAME" -o tsv --query primaryKey)
score new-endpoint "$NEW_URI" "$NEW_KEY"

# --- Update the auth mode: az ml online-endpoint update -n … --set auth_mode=aad_token (a full PUT)
eval "$(admin endpoints update "${WS[@]}" --name churn-scorer --auth-mode aad_token --yes -o env)"
echo "updated $ENDPOINT_NAME $ENDPOINT_AUTH_MODE"
score old-key "$SCORING_URI" "$OLD_KEY"

# --- aad_token: export DATA_PLANE_TOKEN=$(az account get-access-token --resource https://ml.azure.com --query accessToken -o tsv)
export DATA_PLANE_TOKEN=$(client creds -p guide-client -o tsv --query accessToken)
echo "credential $(client creds -p guide-client -o tsv --query authMode)"
score aad_token "$SCORING_URI" "$DATA_PLANE_TOKEN"

# --- aml_token, with its expiry:
# export DATA_PLANE_TOKEN=$(az ml online-endpoint get-credentials -n … -o tsv --query accessToken)
# export EXPIRES=$(az ml online-endpoint get-credentials -n … -o tsv --query expiryTimeUtc)
{ read -r AUTH_MODE; read -r SCORING_URI; } < <(client creds -p guide-client --endpoint loan-aml -o tsv --query '[authMode, scoringUri]') # one value per line, as az prints a list
export DATA_PLANE_TOKEN=$(client creds -p guide-client --endpoint loan-aml -o tsv --query accessToken)
EXPIRES=$(client creds -p guide-client --endpoint loan-aml -o tsv --query expiryTimeUtc)
echo "credential $AUTH_MODE expires $EXPIRES now $(date +%s)"
score aml_token "$SCORING_URI" "$DATA_PLANE_TOKEN"

# --- Clean up what the guide created.
admin endpoints delete "${WS[@]}" --name "$ENDPOINT_NAME" --yes
echo "done"
