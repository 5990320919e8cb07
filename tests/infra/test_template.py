"""infra/template.yaml: cfn-lint passes; the stack is private, HTTPS-only and least-privilege;
its dashboard and alarms read the metrics the skill writes."""

from __future__ import annotations

import fnmatch
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from scripts.package_lambda import DEFAULT_OUT, LAMBDA_ARCHITECTURE, LAMBDA_PYTHON
from skill.runtime import metrics

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    from cfnlint.api import decode_str  # most of a second to import: not at collection

    decoded, problems = decode_str(TEMPLATE_PATH.read_text(encoding="utf-8"))
    assert not problems, problems
    return decoded


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    """The one resource of this type, by its properties."""
    matches = [r for r in resources.values() if r["Type"] == kind]
    assert len(matches) == 1, f"expected one {kind}, found {len(matches)}"
    return matches[0]


def name_of(resources: dict[str, Any], kind: str) -> str:
    return next(name for name, r in resources.items() if r["Type"] == kind)


def test_cfn_lint_finds_no_errors_or_warnings() -> None:
    from cfnlint.api import lint

    problems = lint(TEMPLATE_PATH.read_text(encoding="utf-8"))

    assert problems == [], "\n".join(str(problem) for problem in problems)


def test_the_audio_bucket_blocks_every_kind_of_public_access(resources: dict[str, Any]) -> None:
    bucket = of_type(resources, "AWS::S3::Bucket")["Properties"]

    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_only_the_stacks_own_distribution_may_read_the_bucket(resources: dict[str, Any]) -> None:
    statements = of_type(resources, "AWS::S3::BucketPolicy")["Properties"]["PolicyDocument"][
        "Statement"
    ]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    distribution = name_of(resources, "AWS::CloudFront::Distribution")

    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source_arn = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source_arn.endswith(f":distribution/${{{distribution}}}")
    denies = [s for s in statements if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_cloudfront_reaches_the_bucket_through_origin_access_control(
    resources: dict[str, Any],
) -> None:
    config = of_type(resources, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    oac = of_type(resources, "AWS::CloudFront::OriginAccessControl")["Properties"][
        "OriginAccessControlConfig"
    ]
    (origin,) = config["Origins"]

    assert origin["OriginAccessControlId"] == {
        "Fn::GetAtt": [name_of(resources, "AWS::CloudFront::OriginAccessControl"), "Id"]
    }
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert (oac["SigningBehavior"], oac["SigningProtocol"]) == ("always", "sigv4")


def test_every_path_is_served_over_https_only(resources: dict[str, Any]) -> None:
    config = of_type(resources, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    behaviours = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]

    assert {b["ViewerProtocolPolicy"] for b in behaviours} == {"https-only"}


def test_the_manifest_is_never_cached_and_clips_are_cached_for_a_year(
    resources: dict[str, Any],
) -> None:
    config = of_type(resources, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    # CloudFront path patterns: "*" matches any characters, so a store under a prefix counts.
    manifest = [
        b for b in config["CacheBehaviors"]
        if fnmatch.fnmatchcase("manifest.json", b["PathPattern"])
        and fnmatch.fnmatchcase("guide/manifest.json", b["PathPattern"])
    ]
    clip = "clips/regret/0123456789abcdef-1.mp3"
    assert not fnmatch.fnmatchcase(clip, manifest[0]["PathPattern"])
    clips_policy = config["DefaultCacheBehavior"]["CachePolicyId"]
    policy = resources[clips_policy["Ref"]]["Properties"]["CachePolicyConfig"]

    assert [b["CachePolicyId"] for b in manifest] == [CACHING_DISABLED]
    assert policy["MinTTL"] >= ONE_YEAR
    assert policy["DefaultTTL"] >= ONE_YEAR


def test_the_function_runs_the_packaged_skill_within_alexas_time_limit(
    resources: dict[str, Any],
) -> None:
    function = of_type(resources, "AWS::Serverless::Function")["Properties"]

    assert function["Runtime"] == f"python{LAMBDA_PYTHON}"
    assert function["Architectures"] == [LAMBDA_ARCHITECTURE]  # the bundle's wheels run there
    assert function["Handler"] == "skill.runtime.lambda_function.lambda_handler"
    assert (TEMPLATE_PATH.parent / function["CodeUri"]).resolve() == DEFAULT_OUT
    assert function["Timeout"] < 8  # Alexa waits 8 seconds for an answer
    assert 128 <= function["MemorySize"] <= 1024


def test_only_the_configured_skill_can_invoke_the_function(resources: dict[str, Any]) -> None:
    events = of_type(resources, "AWS::Serverless::Function")["Properties"]["Events"]

    assert [e["Type"] for e in events.values()] == ["AlexaSkill"]
    assert [e["Properties"]["SkillId"] for e in events.values()] == [{"Ref": "SkillId"}]


def test_the_function_is_told_where_the_manifest_audio_and_table_are(
    resources: dict[str, Any],
) -> None:
    variables = of_type(resources, "AWS::Serverless::Function")["Properties"]["Environment"][
        "Variables"
    ]
    bucket = name_of(resources, "AWS::S3::Bucket")
    distribution = name_of(resources, "AWS::CloudFront::Distribution")
    table = name_of(resources, "AWS::DynamoDB::Table")

    assert variables == {
        "NOCONTACT_MANIFEST": {"Fn::Sub": f"s3://${{{bucket}}}/manifest.json"},
        "NOCONTACT_AUDIO_BASE_URL": {"Fn::Sub": f"https://${{{distribution}.DomainName}}"},
        "NOCONTACT_SKILL_ID": {"Ref": "SkillId"},
        "NOCONTACT_PERSISTENCE": {"Fn::Sub": f"dynamodb:${{{table}}}"},
    }


def test_the_skill_reads_every_variable_the_template_sets(resources: dict[str, Any]) -> None:
    from skill.runtime.config import SkillConfig

    names = of_type(resources, "AWS::Serverless::Function")["Properties"]["Environment"][
        "Variables"
    ]

    config = SkillConfig.from_env({name: f"set-{name}" for name in names})

    assert (config.manifest, config.audio_base_url, config.skill_id, config.persistence) == (
        "set-NOCONTACT_MANIFEST",
        "set-NOCONTACT_AUDIO_BASE_URL",
        "set-NOCONTACT_SKILL_ID",
        "set-NOCONTACT_PERSISTENCE",
    )
    assert config.allow_http_audio is False


def test_the_function_may_read_only_the_manifest_and_use_only_its_table(
    resources: dict[str, Any],
) -> None:
    policies = of_type(resources, "AWS::Serverless::Function")["Properties"]["Policies"]
    statements = [s for policy in policies for s in policy["Statement"]]
    bucket = name_of(resources, "AWS::S3::Bucket")
    table = name_of(resources, "AWS::DynamoDB::Table")
    granted = {
        (action, str(s["Resource"]))
        for s in statements
        for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }

    assert {s["Effect"] for s in statements} == {"Allow"}
    assert granted == {
        ("s3:GetObject", str({"Fn::Sub": f"${{{bucket}.Arn}}/manifest.json"})),
        ("dynamodb:GetItem", str({"Fn::GetAtt": [table, "Arn"]})),
        ("dynamodb:PutItem", str({"Fn::GetAtt": [table, "Arn"]})),
        ("dynamodb:DeleteItem", str({"Fn::GetAtt": [table, "Arn"]})),
    }


def test_the_table_is_on_demand(resources: dict[str, Any]) -> None:
    table = of_type(resources, "AWS::DynamoDB::Table")["Properties"]

    assert table["BillingMode"] == "PAY_PER_REQUEST"


def test_the_table_as_declared_keeps_a_listeners_place(
    resources: dict[str, Any], moto_endpoint: str, aws_environment: None
) -> None:
    import boto3
    from ask_sdk_model import Context, RequestEnvelope
    from ask_sdk_model.interfaces.system import SystemState
    from ask_sdk_model.user import User

    from skill.runtime.persistence import persistence_adapter

    declared = of_type(resources, "AWS::DynamoDB::Table")["Properties"]
    table_name = f"listening-{uuid.uuid4().hex[:12]}"
    dynamodb = boto3.resource("dynamodb", endpoint_url=moto_endpoint)
    dynamodb.create_table(
        TableName=table_name,
        KeySchema=declared["KeySchema"],
        AttributeDefinitions=declared["AttributeDefinitions"],
        BillingMode=declared["BillingMode"],
    )
    adapter = persistence_adapter(f"dynamodb:{table_name}", dynamodb)
    envelope = RequestEnvelope(
        context=Context(system=SystemState(user=User(user_id="amzn1.ask.account.LISTENER")))
    )
    place = {"token": "holidays:1:0123456789abcdef", "offset_ms": 61000, "enqueued": ""}

    adapter.save_attributes(envelope, place)

    assert adapter.get_attributes(envelope) == place


def test_the_stack_takes_a_skill_id_and_reports_what_deploy_needs(
    template: dict[str, Any],
) -> None:
    assert "SkillId" in template["Parameters"]
    assert {"AudioBaseUrl", "FunctionArn", "BucketName", "TableName"} <= set(template["Outputs"])


def test_the_podcast_feed_is_never_cached(resources: dict[str, Any]) -> None:
    config = of_type(resources, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    feed = [
        b for b in config["CacheBehaviors"]
        if fnmatch.fnmatchcase("feed.xml", b["PathPattern"])
        and fnmatch.fnmatchcase("guide/feed.xml", b["PathPattern"])
    ]
    assert [b["CachePolicyId"] for b in feed] == [CACHING_DISABLED]
    assert not fnmatch.fnmatchcase("clips/regret/0123456789abcdef-1.mp3", feed[0]["PathPattern"])


def test_the_privacy_policy_is_served_by_cloudfront_and_never_cached(
    resources: dict[str, Any],
) -> None:
    config = of_type(resources, "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    policy = [b for b in config["CacheBehaviors"]
              if fnmatch.fnmatchcase("privacy.html", b["PathPattern"])]

    assert [b["CachePolicyId"] for b in policy] == [CACHING_DISABLED]
    assert [b["ViewerProtocolPolicy"] for b in policy] == ["https-only"]


def dashboard_body(resources: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's JSON, its ${...} substitutions filled with placeholders."""
    body = of_type(resources, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    return json.loads(re.sub(r"\$\{([^}]+)\}", r"<\1>", body["Fn::Sub"]))


def dashboard_metrics(body: dict[str, Any]) -> list[tuple[str, str, dict[str, str], str | None]]:
    """(namespace, name, dimensions, stat) of every metric a widget reads, SEARCH included."""
    found = []
    for widget in body["widgets"]:
        properties = widget["properties"]
        for row in properties.get("metrics", []):
            options = row[-1] if isinstance(row[-1], dict) else {}
            fields = row[:-1] if options else row
            if fields:
                namespace, name, *pairs = fields
                dimensions = dict(zip(pairs[::2], pairs[1::2], strict=True))
                found.append((namespace, name, dimensions,
                              options.get("stat", properties.get("stat"))))
            search = re.fullmatch(r"SEARCH\('\{([^}]+)\} MetricName=\"(\w+)\"', '(\w+)', \d+\)",
                                  options.get("expression", ""))
            if search:
                namespace, *keys = search[1].split(",")
                found.append((namespace, search[2], dict.fromkeys(keys, "*"), search[3]))
    return found


def alarm_metrics(resources: dict[str, Any]) -> dict[str, list[tuple[str, str, dict, str]]]:
    """Each alarm's metrics, by alarm: (namespace, name, dimensions, statistic)."""
    found: dict[str, list[tuple[str, str, dict, str]]] = {}
    for name, resource in resources.items():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        alarm = resource["Properties"]
        if "Metrics" in alarm:
            stats = [q["MetricStat"] for q in alarm["Metrics"] if "MetricStat" in q]
            found[name] = [(s["Metric"]["Namespace"], s["Metric"]["MetricName"],
                            {d["Name"]: d["Value"] for d in s["Metric"]["Dimensions"]},
                            s["Stat"]) for s in stats]
        else:
            found[name] = [(alarm["Namespace"], alarm["MetricName"],
                            {d["Name"]: d["Value"] for d in alarm["Dimensions"]},
                            alarm.get("ExtendedStatistic") or alarm["Statistic"])]
    return found


def test_the_dashboard_and_alarms_read_only_metrics_the_skill_writes(
    resources: dict[str, Any],
) -> None:
    read = dashboard_metrics(dashboard_body(resources))
    read += [m for metrics_of in alarm_metrics(resources).values() for m in metrics_of]
    ours = [m for m in read if m[0] == metrics.NAMESPACE]

    assert len(ours) > 20
    for _, name, dimensions, _ in ours:
        assert name in (*metrics.COUNTS, metrics.DURATION), name
        assert tuple(sorted(dimensions)) in {tuple(sorted(s)) for s in metrics.DIMENSION_SETS}
        assert dimensions["service"] in (metrics.SERVICE, "*")
    assert {m[0] for m in read} == {metrics.NAMESPACE, "AWS/Lambda"}


def test_the_dashboard_shows_the_fallback_rate_of_every_locale(
    resources: dict[str, Any],
) -> None:
    from content.models import LOCALES

    (widget,) = [w for w in dashboard_body(resources)["widgets"]
                 if w["properties"].get("title", "").startswith("Fallback rate per locale")]
    rows = widget["properties"]["metrics"]
    ids = {row[-1]["id"]: (row[1], row[5]) for row in rows if len(row) > 1}
    rates = [row[0] for row in rows if len(row) == 1]

    assert [rate["label"] for rate in rates] == list(LOCALES)
    for rate in rates:
        fallbacks, answers = re.fullmatch(r"100 \* (\w+) / (\w+)", rate["expression"]).groups()
        assert ids[fallbacks] == ("Fallbacks", rate["label"])
        assert ids[answers] == ("Answers", rate["label"])


def test_the_dashboard_shows_completions_errors_and_the_p99_answer_time(
    resources: dict[str, Any],
) -> None:
    read = {(name, stat) for _, name, _, stat in dashboard_metrics(dashboard_body(resources))}

    assert {("SectionsFinished", "Sum"), ("ReflectionsFinished", "Sum"), ("Errors", "Sum"),
            ("Duration", "p99"), ("Answers", "Sum"), ("Throttles", "Sum")} <= read


def test_alarms_watch_the_error_rate_a_p99_over_3_s_and_throttles_and_tell_the_topic(
    resources: dict[str, Any],
) -> None:
    alarms = {name: r["Properties"] for name, r in resources.items()
              if r["Type"] == "AWS::CloudWatch::Alarm"}
    watched = alarm_metrics(resources)
    topic = {"Ref": name_of(resources, "AWS::SNS::Topic")}

    by_metric = {tuple((m[1], m[3]) for m in watched[name]): alarm
                 for name, alarm in alarms.items()}
    error_rate = by_metric[(("Errors", "Sum"), ("Duration", "SampleCount"))]
    assert [q["Expression"] for q in error_rate["Metrics"] if "Expression" in q] == [
        "100 * errors / requests"
    ]
    assert by_metric[(("Duration", "p99"),)]["Threshold"] == 3000  # milliseconds
    throttles = by_metric[(("Throttles", "Sum"),)]
    assert throttles["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": name_of(resources, "AWS::Serverless::Function")}}
    ]
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
        assert alarm["TreatMissingData"] == "notBreaching"


def test_the_alarm_email_is_optional(template: dict[str, Any], resources: dict[str, Any]) -> None:
    parameter = template["Parameters"]["AlarmEmail"]
    subscription = of_type(resources, "AWS::SNS::Subscription")

    assert parameter["Default"] == ""
    assert re.fullmatch(parameter["AllowedPattern"], "")
    assert re.fullmatch(parameter["AllowedPattern"], "operator@example.org")
    assert not re.fullmatch(parameter["AllowedPattern"], "not an address")
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert template["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
