#!/usr/bin/env python3
"""Prepare a fresh moto server for signed tests and switch its signature checking on.

Creates an admin IAM user with an allow-all inline policy and an access key, and a role the tests can assume,
then POSTs /moto-api/reset-auth so every later request must be signed with that key.
Prints shell `export` lines for the test environment. Talks to 127.0.0.1 only.
"""
import json
import sys
import urllib.request

import boto3

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
TRUST_ALL = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
})


def main() -> None:
    endpoint = sys.argv[1]
    if not endpoint.startswith("http://127.0.0.1:"):
        sys.exit(f"moto-bootstrap: refusing a non-loopback endpoint {endpoint}")
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
    iam.create_user(UserName="moto-admin")
    iam.put_user_policy(UserName="moto-admin", PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    key = iam.create_access_key(UserName="moto-admin")["AccessKey"]
    role = iam.create_role(RoleName="aws-ec2-ssh-test-role", AssumeRolePolicyDocument=TRUST_ALL)["Role"]
    iam.put_role_policy(RoleName="aws-ec2-ssh-test-role", PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    request = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request, timeout=10).read()
    print(f"export EC2SSH_TEST_MOTO_URL={endpoint}")
    print(f"export EC2SSH_TEST_ACCESS_KEY_ID={key['AccessKeyId']}")
    print(f"export EC2SSH_TEST_SECRET_ACCESS_KEY={key['SecretAccessKey']}")
    print(f"export EC2SSH_TEST_ROLE_ARN={role['Arn']}")


if __name__ == "__main__":
    main()
