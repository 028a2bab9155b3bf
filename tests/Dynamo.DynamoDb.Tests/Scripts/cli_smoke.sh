#!/usr/bin/env bash
# Drives the DynamoDB API with the AWS CLI: create-table, put-item x3, query. Prints the query result (JSON).
# Usage: cli_smoke.sh ENDPOINT_URL TABLE_NAME   (credentials and region come from the environment)
set -euo pipefail
ep="$1"
table="$2"

aws dynamodb create-table --endpoint-url "$ep" --table-name "$table" \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST --output json > /dev/null

for i in 1 2 3; do
  aws dynamodb put-item --endpoint-url "$ep" --table-name "$table" \
    --item "{\"pk\":{\"S\":\"cli\"},\"sk\":{\"N\":\"$i\"},\"note\":{\"S\":\"from the aws cli #$i\"},\"price\":{\"N\":\"$i.50\"}}"
done

aws dynamodb query --endpoint-url "$ep" --table-name "$table" \
  --key-condition-expression "pk = :p AND sk >= :min" \
  --expression-attribute-values '{":p":{"S":"cli"},":min":{"N":"2"}}' \
  --output json
