"""Drives the DynamoDB API with boto3: create_table, put_item x3, query. Prints the query result (JSON).

Usage: boto3_smoke.py ENDPOINT_URL TABLE_NAME   (credentials and region come from the environment)
"""
import json
import sys

import boto3

endpoint, table = sys.argv[1], sys.argv[2]
client = boto3.client("dynamodb", endpoint_url=endpoint)
client.create_table(
    TableName=table,
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    BillingMode="PAY_PER_REQUEST",
)
for i in (1, 2, 3):
    client.put_item(
        TableName=table,
        Item={"pk": {"S": "cli"}, "sk": {"N": str(i)}, "note": {"S": f"from the aws cli #{i}"}, "price": {"N": f"{i}.50"}},
    )
result = client.query(
    TableName=table,
    KeyConditionExpression="pk = :p AND sk >= :min",
    ExpressionAttributeValues={":p": {"S": "cli"}, ":min": {"N": "2"}},
)
print(json.dumps({"Items": result["Items"], "Count": result["Count"], "ScannedCount": result["ScannedCount"]}))
