"""What the deployment promises, read from template.yaml itself."""

from __future__ import annotations

from articlectl.template import load_template, resource


def statements(function: str) -> list[dict]:
    found = []
    for policy in resource(function)["Properties"]["Policies"]:
        found.extend(policy["Statement"])
    return found


def actions(function: str) -> set[str]:
    return {action for statement in statements(function) for action in statement["Action"]}


def test_no_wildcard_actions_and_no_full_access_policies() -> None:
    for function in ("IngestFunction", "ApiFunction", "StreamFunction"):
        for statement in statements(function):
            assert all("*" not in action for action in statement["Action"])
            assert statement["Resource"] != "*"
        assert all(isinstance(policy, dict) for policy in resource(function)["Properties"]["Policies"])


def test_api_function_can_only_read() -> None:
    assert actions("ApiFunction") == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}


def test_stream_function_keeps_the_index_and_cannot_delete_articles_or_read_s3() -> None:
    granted = actions("StreamFunction")
    assert not {action for action in granted if action.startswith("s3:")}
    # Postings are removed through BatchWriteItem; no DeleteItem, no Scan, no transaction.
    assert not granted & {"dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:TransactWriteItems"}
    stream_actions = next(s for s in statements("StreamFunction") if s["Sid"] == "ReadStream")
    assert stream_actions["Resource"] == {"Fn::GetAtt": ["ArticlesTable", "StreamArn"]}


def test_the_stream_reports_partial_failures_bisects_retries_and_keeps_what_fails() -> None:
    assert resource("ArticlesTable")["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    source = resource("StreamFunction")["Properties"]["Events"]["ArticleChanged"]
    assert source["Type"] == "DynamoDB"
    settings = source["Properties"]
    assert settings["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert settings["BisectBatchOnFunctionError"] is True
    assert 0 < settings["MaximumRetryAttempts"] <= 10
    assert settings["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}
    for alarm in ("StreamFailureAlarm", "StreamIteratorAgeAlarm", "StreamErrorsAlarm"):
        assert resource(alarm)["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert resource("StreamIteratorAgeAlarm")["Properties"]["MetricName"] == "IteratorAge"


def test_ingest_function_reads_s3_and_never_writes_it() -> None:
    granted = actions("IngestFunction")
    # ListBucket lets S3 answer 404 (not 403) for a key that holds no object; it writes nothing.
    assert {action for action in granted if action.startswith("s3:")} == {
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
    }
    assert "dynamodb:Scan" not in granted


def test_bucket_is_encrypted_private_versioned_and_tls_only() -> None:
    bucket = resource("ArticlesBucket")["Properties"]
    assert bucket["BucketEncryption"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    policy = resource("ArticlesBucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false" for s in policy)


def test_table_recovery_dead_letters_alarm_throttling_and_retention() -> None:
    table = resource("ArticlesTable")["Properties"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    invoke_config = resource("IngestFunction")["Properties"]["EventInvokeConfig"]
    assert invoke_config["DestinationConfig"]["OnFailure"]["Type"] == "SQS"
    assert resource("IngestDeadLetterAlarm")["Properties"]["Dimensions"][0]["Value"]
    throttling = resource("ArticlesApi")["Properties"]["MethodSettings"][0]
    assert throttling["ThrottlingRateLimit"] > 0 and throttling["ThrottlingBurstLimit"] > 0
    assert resource("IngestLogGroup")["Properties"]["RetentionInDays"] == 30


def test_every_checkov_suppression_has_a_reason() -> None:
    for logical_id, definition in load_template()["Resources"].items():
        for skip in definition.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip.get("comment", "")) > 20, (logical_id, skip["id"])


def test_functions_get_their_resources_from_the_environment() -> None:
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "ArticlesTable"}
    assert "POWERTOOLS_LOGGER_LOG_EVENT" not in variables


def test_aws_call_tracing_is_opt_in_and_invocations_are_always_traced() -> None:
    template = load_template()
    assert template["Globals"]["Function"]["Tracing"] == "Active"
    assert template["Parameters"]["TraceAwsCalls"]["Default"] == "false"
    assert template["Conditions"]["TracesAwsCalls"] == {"Fn::Equals": [{"Ref": "TraceAwsCalls"}, "true"]}
    variables = resource("IngestFunction")["Properties"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_TRACE_DISABLED"] == {"Fn::If": ["TracesAwsCalls", "false", "true"]}


def test_every_alarm_notifies_the_alarm_topic_and_email_is_optional() -> None:
    resources = load_template()["Resources"]
    alarms = {name: item for name, item in resources.items() if item["Type"] == "AWS::CloudWatch::Alarm"}
    watched = {(alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]) for alarm in alarms.values()}
    assert {
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    } <= watched
    assert all(alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for alarm in alarms.values())
    assert resources["AlarmEmailSubscription"]["Condition"] == "HasAlarmEmail"
    assert load_template()["Parameters"]["AlarmEmail"]["Default"] == ""


def test_table_and_bucket_survive_stack_deletion_and_replacement() -> None:
    for name in ("ArticlesTable", "ArticlesBucket"):
        assert resource(name)["DeletionPolicy"] == resource(name)["UpdateReplacePolicy"] == "Retain"
    assert resource("ArticlesTable")["Properties"]["DeletionProtectionEnabled"] is True


def test_ingestion_records_require_iam_and_the_other_routes_stay_public() -> None:
    events = resource("ApiFunction")["Properties"]["Events"]
    signed = {name: event for name, event in events.items() if "Auth" in event["Properties"]}
    assert list(signed) == ["GetIngestion"]
    assert signed["GetIngestion"]["Properties"]["Path"] == "/ingestions"
    assert signed["GetIngestion"]["Properties"]["Auth"] == {"Authorizer": "AWS_IAM", "InvokeRole": "NONE"}


def test_cursor_secret_is_made_per_deployment_and_never_derived_from_names() -> None:
    secret = resource("CursorSigningSecret")
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    variable = resource("ApiFunction")["Properties"]["Environment"]["Variables"]["CURSOR_SECRET"]
    assert variable == {"Fn::Sub": "{{resolve:secretsmanager:${CursorSigningSecret}:SecretString}}"}
