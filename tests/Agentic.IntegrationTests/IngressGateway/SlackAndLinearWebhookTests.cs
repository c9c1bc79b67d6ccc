using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agentic.Contracts.Ingress;
using Agentic.IngressGateway.Webhooks;
using Agentic.IngressGateway.Webhooks.Slack;
using Agentic.IntegrationTests.Infrastructure;

namespace Agentic.IntegrationTests.IngressGateway;

/// <summary>Slack (v0 signatures, 5-minute window, retries) and Linear (signature, 60-second timestamp) through the real gateway.</summary>
public sealed class SlackAndLinearWebhookTests
{
    private GatewayHost _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        _gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_chat"), TestEnvironment.RabbitMq.ConnectionString);
        _ = _gateway.Server;
    }

    [OneTimeTearDown]
    public async Task StopGateway() => await _gateway.DisposeAsync();

    [Test]
    public void Should_match_slacks_documented_signature_example()
    {
        // https://api.slack.com/authentication/verifying-requests-from-slack (secret, timestamp, body and signature as published).
        var body = Encoding.UTF8.GetBytes("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
        const string signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

        var check = SlackSignature.Check(body, "1531420618", signature, ["8f742231b10e8888abcd99yyyzzz85a5"],
            DateTimeOffset.FromUnixTimeSeconds(1531420618 + 10), TimeSpan.FromMinutes(5));
        var stale = SlackSignature.Check(body, "1531420618", signature, ["8f742231b10e8888abcd99yyyzzz85a5"],
            DateTimeOffset.FromUnixTimeSeconds(1531420618 + 301), TimeSpan.FromMinutes(5));

        Assert.Multiple(() =>
        {
            Assert.That(check, Is.EqualTo(SignatureCheck.Valid));
            Assert.That(stale, Is.EqualTo(SignatureCheck.Stale));
        });
    }

    [Test]
    public async Task Should_answer_slacks_url_verification_challenge()
    {
        var body = Encoding.UTF8.GetBytes("""{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""");

        using var response = await _gateway.PostSlackAsync("/webhooks/slack/events", body, "application/json", DateTimeOffset.UtcNow, GatewayHost.SlackSecret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("challenge").GetString(),
            Is.EqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    }

    [Test]
    public async Task Should_publish_one_request_for_an_app_mention_when_slack_retries_it()
    {
        var eventId = $"Ev{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["token"] = "ZZZZZZWSxiZZZ2yIvs3peJ",
            ["team_id"] = "T123ABC456",
            ["api_app_id"] = "A123ABC456",
            ["type"] = "event_callback",
            ["event_id"] = eventId,
            ["event_time"] = 1515449522,
            ["event"] = new JsonObject
            {
                ["type"] = "app_mention",
                ["user"] = "U061F7AUR",
                ["text"] = "<@U0LAN0Z89> fix the build on octo/widgets#7",
                ["ts"] = "1515449522.000016",
                ["channel"] = "C123ABC456",
                ["event_ts"] = "1515449522000016",
            },
        }.ToJsonString());
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(AgentRequestReceived));

        using var first = await _gateway.PostSlackAsync("/webhooks/slack/events", body, "application/json", DateTimeOffset.UtcNow, GatewayHost.SlackSecret);
        using var retry = await _gateway.PostSlackAsync("/webhooks/slack/events", body, "application/json", DateTimeOffset.UtcNow, GatewayHost.SlackSecret, retry: 1);

        var requests = await probe.WaitForAsync(1, m => m.Message.GetProperty("deliveryId").GetString() == eventId, TimeSpan.FromSeconds(10));
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await retry.Content.ReadAsStringAsync(), Does.Contain("duplicate"));
            Assert.That(requests, Has.Count.EqualTo(1));
            Assert.That(requests[0].Message.GetProperty("verb").GetString(), Is.EqualTo("fix"));
            Assert.That(requests[0].Message.GetProperty("text").GetString(), Is.EqualTo("the build on octo/widgets#7"));
            Assert.That(requests[0].Message.GetProperty("replyTo").GetProperty("threadId").GetString(), Is.EqualTo("1515449522.000016"));
        });
    }

    [Test]
    public async Task Should_reply_at_once_to_a_slash_command_and_publish_the_request()
    {
        var trigger = $"398738663015.47445629121.{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes($"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&channel_id=C2147483705&user_id=U2147483697&user_name=Steve&command=%2Fagentic&text=review+octo%2Fwidgets%2312&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id={trigger}");
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(AgentRequestReceived));

        using var response = await _gateway.PostSlackAsync("/webhooks/slack/commands", body, "application/x-www-form-urlencoded", DateTimeOffset.UtcNow, GatewayHost.SlackSecret);

        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var request = (await probe.WaitForAsync(1, m => m.Message.GetProperty("deliveryId").GetString() == trigger, TimeSpan.FromSeconds(10))).Single().Message;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(reply.GetProperty("response_type").GetString(), Is.EqualTo("ephemeral"));
            Assert.That(request.GetProperty("verb").GetString(), Is.EqualTo("review"));
            Assert.That(request.GetProperty("replyTo").GetProperty("address").GetString(), Is.EqualTo("C2147483705"));
        });
    }

    [TestCase("stale")]
    [TestCase("wrong-secret")]
    public async Task Should_reject_a_slack_request_with_401_when_it_is(string problem)
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"app_mention","user":"U1","text":"hi","ts":"1.2","channel":"C1"}}""");
        var signedAt = problem == "stale" ? DateTimeOffset.UtcNow.AddMinutes(-6) : DateTimeOffset.UtcNow;
        var secret = problem == "wrong-secret" ? "another-slack-signing-secret" : GatewayHost.SlackSecret;

        using var response = await _gateway.PostSlackAsync("/webhooks/slack/events", body, "application/json", signedAt, secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Should_publish_a_linear_issue_change_once_per_delivery()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = LinearIssue(DateTimeOffset.UtcNow);
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(LinearIssueChanged));

        using var first = await _gateway.PostLinearAsync(deliveryId, body, GatewayHost.LinearSecret);
        using var again = await _gateway.PostLinearAsync(deliveryId, body, GatewayHost.LinearSecret);

        var changes = await probe.WaitForAsync(1, m => m.Message.GetProperty("deliveryId").GetString() == deliveryId, TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(changes, Has.Count.EqualTo(1));
            Assert.That(changes[0].Message.GetProperty("identifier").GetString(), Is.EqualTo("ENG-42"));
            Assert.That(changes[0].Message.GetProperty("labels")[0].GetString(), Is.EqualTo("agentic"));
        });
    }

    [TestCase("stale")]
    [TestCase("wrong-secret")]
    [TestCase("tampered")]
    public async Task Should_reject_a_linear_delivery_with_401_when_it_is(string problem)
    {
        var body = LinearIssue(problem == "stale" ? DateTimeOffset.UtcNow.AddMinutes(-2) : DateTimeOffset.UtcNow);
        var signed = body;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/linear")
        {
            Content = new ByteArrayContent(problem == "tampered" ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("ENG-42", "ENG-43", StringComparison.Ordinal)) : body),
        };
        request.Headers.Add("Linear-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("Linear-Signature", GatewayHost.Hmac(problem == "wrong-secret" ? "another-linear-webhook-secret" : GatewayHost.LinearSecret, signed));

        using var response = await _gateway.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("```\n@agentic fix the build\n```", "ignored", "inside a code block")]
    [TestCase("> @agentic fix the build", "ignored", "inside a blockquote")]
    [TestCase("<!-- @agentic fix the build -->", "ignored", "inside an HTML comment")]
    [TestCase("Looks flaky.\n@agentic fix the build", "published", null)]
    public async Task Should_act_on_a_linear_comment_only_when_the_command_starts_a_visible_line(string comment, string status, string? reason)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var deliveryId = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["action"] = "create",
            ["type"] = "Comment",
            ["createdAt"] = sentAt.ToString("O"),
            ["webhookTimestamp"] = sentAt.ToUnixTimeMilliseconds(),
            ["data"] = new JsonObject { ["id"] = "c1", ["body"] = comment, ["issueId"] = "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9", ["userId"] = "u1" },
        }.ToJsonString());

        using var response = await _gateway.PostLinearAsync(deliveryId, body, GatewayHost.LinearSecret);

        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(answer.GetProperty("status").GetString(), Is.EqualTo(status));
            Assert.That(answer.GetProperty("reason").GetString(), reason is null ? Is.Null : Does.Contain(reason));
        });
    }

    [TestCase("```\n<@U0LAN0Z89> fix the build\n```", "ignored", "mention inside a code block")]
    [TestCase("```<@U0LAN0Z89> fix the build```", "ignored", "mention inside inline code")]
    [TestCase("&gt; <@U0LAN0Z89> fix the build", "ignored", "mention inside a blockquote")]
    [TestCase("`<@U0LAN0Z89>` fix the build", "ignored", "mention inside inline code")]
    [TestCase("<@U0LAN0Z89> fix the build", "published", null)]
    public async Task Should_act_on_a_slack_app_mention_only_when_the_mention_is_visible(string text, string status, string? reason)
    {
        var eventId = $"Ev{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "event_callback",
            ["event_id"] = eventId,
            ["event"] = new JsonObject { ["type"] = "app_mention", ["user"] = "U061F7AUR", ["text"] = text, ["ts"] = "1515449522.000016", ["channel"] = "C123ABC456" },
        }.ToJsonString());

        using var response = await _gateway.PostSlackAsync("/webhooks/slack/events", body, "application/json", DateTimeOffset.UtcNow, GatewayHost.SlackSecret);

        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.GetProperty("status").GetString(), Is.EqualTo(status));
            Assert.That(answer.GetProperty("reason").GetString(), reason is null ? Is.Null : Does.Contain(reason));
        });
    }

    private static byte[] LinearIssue(DateTimeOffset sentAt) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["action"] = "update",
        ["type"] = "Issue",
        ["createdAt"] = sentAt.ToString("O"),
        ["organizationId"] = "b2e8e1c2-6d0e-4a53-8d6b-2b8b0b0b0b0b",
        ["url"] = "https://linear.app/acme/issue/ENG-42/flaky-login-test",
        ["webhookTimestamp"] = sentAt.ToUnixTimeMilliseconds(),
        ["data"] = new JsonObject
        {
            ["id"] = "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
            ["identifier"] = "ENG-42",
            ["title"] = "Flaky login test",
            ["state"] = new JsonObject { ["name"] = "In Progress" },
            ["assigneeId"] = "a1b2c3",
            ["labels"] = new JsonArray(new JsonObject { ["name"] = "agentic" }),
        },
    }.ToJsonString());
}
