using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;
using Agentic.IngressGateway.Inbox;
using Agentic.IngressGateway.Webhooks;
using Agentic.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.IntegrationTests.IngressGateway;

/// <summary>
/// Who may trigger what (issue 9) and hostile input at the edge (issue 11), through the real gateway with GitHub's own
/// example payloads: commands count only where their author visibly wrote them and from authors with write access;
/// bodies no text column takes are stored cleaned; one refused row does not fail its batch; broken shapes get 400
/// naming the field and are recorded as malformed.
/// </summary>
public sealed class HostileInputTests
{
    private string _database = null!;
    private GatewayHost _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        _database = await TestEnvironment.CreateMigratedDatabaseAsync("gateway_hostile");
        _gateway = new GatewayHost(_database, TestEnvironment.RabbitMq.ConnectionString);
        _ = _gateway.Server;
    }

    [OneTimeTearDown]
    public async Task StopGateway() => await _gateway.DisposeAsync();

    [TestCase("<!-- /agentic fix the build -->", "inside an HTML comment")]
    [TestCase("Hidden note:\n<!--\n/agentic fix the build\n-->", "inside an HTML comment")]
    [TestCase("```\n/agentic fix the build\n```", "inside a code block")]
    [TestCase("~~~sh\n/agentic fix the build\n", "inside a code block")]
    [TestCase("    /agentic fix the build", "inside an indented code block")]
    [TestCase("> /agentic fix the build", "inside a blockquote")]
    [TestCase("> Someone said\n/agentic fix the build", "inside a blockquote")]
    [TestCase("`/agentic fix the build`", "inside inline code")]
    [TestCase("Please do not run /agentic fix here", "not at the start of a line")]
    public async Task Should_record_and_not_act_on_a_command_that_is_not_visibly_at_a_line_start(string comment, string reason)
    {
        var (status, answeredReason, deliveryId) = await PostCommentAsync(comment, "MEMBER");

        var recorded = await ListedAsync(deliveryId);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo("ignored"));
            Assert.That(answeredReason, Does.Contain(reason), "the sender (GitHub's delivery log) is told why");
            Assert.That(recorded.GetProperty("status").GetString(), Is.EqualTo("ignored"));
            Assert.That(recorded.GetProperty("reason").GetString(), Does.Contain(reason), "the operator API shows why");
        });
    }

    [TestCase("NONE")]
    [TestCase("CONTRIBUTOR")]
    [TestCase("FIRST_TIME_CONTRIBUTOR")]
    [TestCase("FIRST_TIMER")]
    [TestCase("READ")]
    public async Task Should_record_and_not_act_on_a_fix_from_an_author_without_write_access(string association)
    {
        var (status, reason, deliveryId) = await PostCommentAsync("/agentic fix the build", association);

        var recorded = await ListedAsync(deliveryId);
        var expected = association == "READ" ? "NONE" : association;
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo("ignored"));
            Assert.That(reason, Does.Contain($"author association {expected} may not request fix"));
            Assert.That(recorded.GetProperty("reason").GetString(), Does.Contain($"author association {expected} may not request fix"));
        });
    }

    [Test]
    public async Task Should_publish_a_fix_written_at_a_line_start_by_a_member_and_an_explain_from_anyone()
    {
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(AgentRequestReceived));

        var fix = await PostCommentAsync("Looks flaky to me.\n\n> quoted /agentic stop\n\n/agentic fix the login test\n```\n/agentic stop\n```", "MEMBER");
        var explain = await PostCommentAsync("@agentic explain why this failed", "NONE");

        var requests = await probe.WaitForAsync(2, m => m.Message.GetProperty("deliveryId").GetString() is { } id && (id == fix.DeliveryId || id == explain.DeliveryId));
        var published = requests.ToDictionary(r => r.Message.GetProperty("deliveryId").GetString()!, r => r.Message);
        Assert.Multiple(() =>
        {
            Assert.That(fix.Status, Is.EqualTo("published"));
            Assert.That(published[fix.DeliveryId].GetProperty("verb").GetString(), Is.EqualTo("fix"));
            Assert.That(published[fix.DeliveryId].GetProperty("text").GetString(), Is.EqualTo("the login test"));
            Assert.That(published[fix.DeliveryId].GetProperty("association").GetInt32(), Is.EqualTo((int)AuthorAssociation.Member));
            Assert.That(explain.Status, Is.EqualTo("published"), "a verb that only reads and answers needs no write access");
            Assert.That(published[explain.DeliveryId].GetProperty("verb").GetString(), Is.EqualTo("explain"));
        });
    }

    [Test]
    public async Task Should_store_bodies_no_text_column_takes_cleaned_and_accept_their_neighbours()
    {
        // Three hostile bodies (\u0000, a lone surrogate escape, an invalid UTF-8 byte) and two good ones, at once.
        var template = WebhookExamples.Get("issue_comment", "created").First();
        template["comment"]!["body"] = "HOSTILE";
        var json = template.ToJsonString();
        byte[] With(byte[] hostile) => [.. Encoding.UTF8.GetBytes(json[..json.IndexOf("HOSTILE", StringComparison.Ordinal)]), .. hostile,
            .. Encoding.UTF8.GetBytes(json[(json.IndexOf("HOSTILE", StringComparison.Ordinal) + "HOSTILE".Length)..])];
        var bodies = new Dictionary<string, byte[]>
        {
            ["nul"] = With("/agentic fix \\u0000 now"u8.ToArray()),
            ["surrogate"] = With("/agentic fix \\ud800 now"u8.ToArray()),
            ["utf8"] = With([.. "/agentic fix "u8, 0xFF, .. " now"u8]),
            ["good-1"] = With("/agentic fix now"u8.ToArray()),
            ["good-2"] = With("nothing to do"u8.ToArray()),
        };
        // Signed here, not with GitHub's library: it takes the body as a string, and the invalid byte would not survive that.
        var signatures = bodies.Values.Select(b => "sha256=" + GatewayHost.Hmac(GatewayHost.GitHubSecret, b)).ToList();
        var ids = bodies.Keys.ToDictionary(k => k, k => $"{k}-{Guid.NewGuid()}");

        var answers = await Task.WhenAll(bodies.Keys.Select((k, i) => _gateway.PostGitHubAsync("issue_comment", ids[k], bodies[k], signatures[i])));

        await using var connection = new NpgsqlConnection(_database);
        var rows = (await connection.QueryAsync<(string DeliveryId, byte[] Body, byte[]? RawSha256, bool Malformed)>(
            "SELECT delivery_id, body, raw_sha256, malformed FROM webhook_deliveries WHERE delivery_id = ANY(@ids)", new { ids = ids.Values.ToArray() }))
            .ToDictionary(r => r.DeliveryId);
        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Accepted));
            Assert.That(rows, Has.Count.EqualTo(5), "every delivery is recorded");
            foreach (var hostile in new[] { "nul", "surrogate", "utf8" })
            {
                var row = rows[ids[hostile]];
                Assert.That(JsonDocument.Parse(row.Body).RootElement.GetProperty("comment").GetProperty("body").GetString(), Is.EqualTo("/agentic fix \uFFFD now"), hostile);
                Assert.That(row.RawSha256, Is.EqualTo(SHA256.HashData(bodies[hostile])), $"{hostile}: the hash of the bytes as received is kept");
            }

            foreach (var good in new[] { "good-1", "good-2" })
            {
                Assert.That(rows[ids[good]].Body, Is.EqualTo(bodies[good]), "a clean body is stored as it came");
                Assert.That(rows[ids[good]].RawSha256, Is.Null);
            }
        });
    }

    [Test]
    public async Task Should_refuse_only_the_row_postgresql_rejects_and_store_the_rest_of_its_batch()
    {
        // The cleaning above leaves nothing PostgreSQL refuses on the HTTP path; this is the backstop behind it.
        var inbox = _gateway.Services.GetRequiredService<DeliveryInbox>();
        InboxDelivery Delivery(string id, string? action) =>
            new(WebhookSources.GitHub, id, "issue_comment", action, Guid.NewGuid(), "{}"u8.ToArray(), Ignored: true) { Reason = "test" };
        var batch = new[] { Delivery($"a-{Guid.NewGuid()}", "created"), Delivery($"b-{Guid.NewGuid()}", "cre\0ated"), Delivery($"c-{Guid.NewGuid()}", "created") };

        var results = await inbox.InsertBatchAsync(batch, CancellationToken.None);

        await using var connection = new NpgsqlConnection(_database);
        var stored = await connection.QueryAsync<string>("SELECT delivery_id FROM webhook_deliveries WHERE delivery_id = ANY(@ids)", new { ids = batch.Select(d => d.DeliveryId).ToArray() });
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Inserted), Is.EqualTo(new[] { true, false, true }));
            Assert.That(results[1].Rejection, Does.Contain("0x00"), "the refusal names what is wrong");
            Assert.That(stored, Is.EquivalentTo(new[] { batch[0].DeliveryId, batch[2].DeliveryId }));
        });
    }

    [TestCase("check_run", "completed", "check_run.id", "\"not-a-number\"", "check_run.id")]
    [TestCase("check_run", "completed", "check_run.head_sha", "42", "check_run.head_sha")]
    [TestCase("check_run", "completed", "check_run", "\"a string\"", "check_run")]
    [TestCase("pull_request", "opened", "pull_request.number", "-1", "pull_request.number")]
    [TestCase("issue_comment", "created", "issue", null, "issue.number")]
    [TestCase("push", null, "repository.name", "\"LONG\"", "repository.name")]
    [TestCase("push", null, "repository.owner.login", "\"a/b\"", "repository.owner.login")]
    [TestCase("workflow_run", "completed", "workflow_run.head_branch", "\"LONG\"", "workflow_run.head_branch")]
    public async Task Should_answer_400_naming_the_field_and_record_a_schema_broken_payload_as_malformed(
        string eventName, string? action, string path, string? value, string field)
    {
        var payload = WebhookExamples.Get(eventName, action).First();
        var segments = path.Split('.');
        var parent = segments[..^1].Aggregate((JsonNode)payload, (node, name) => node[name]!).AsObject();
        if (value is null)
        {
            parent.Remove(segments[^1]);
        }
        else
        {
            parent[segments[^1]] = value == "\"LONG\"" ? JsonValue.Create(new string('x', 2000)) : JsonNode.Parse(value);
        }

        if (eventName == "issue_comment")
        {
            payload["comment"]!["body"] = "/agentic fix";
        }

        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var deliveryId = $"broken-{Guid.NewGuid()}";

        using var response = await _gateway.PostGitHubAsync(eventName, deliveryId, body, (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0]);

        var problem = await response.Content.ReadAsStringAsync();
        var recorded = await ListedAsync(deliveryId);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem, Does.Contain($"'{field}'"));
            Assert.That(problem, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(recorded.GetProperty("status").GetString(), Is.EqualTo("malformed"));
            Assert.That(recorded.GetProperty("reason").GetString(), Does.Contain($"'{field}'"));
        });
    }

    [Test]
    public void Should_parse_pathological_comments_in_linear_time()
    {
        string[] hostile =
        [
            string.Concat(Enumerable.Repeat("@agentic", 100_000)),
            "/agentic fix " + string.Concat(Enumerable.Repeat("<@A|", 16_000)),
            string.Concat(Enumerable.Repeat("<@A|", 50_000)) + ">",
            string.Concat(Enumerable.Repeat("`", 100_000)) + "/agentic fix",
            string.Concat(Enumerable.Repeat("` `` ", 30_000)),
            string.Concat(Enumerable.Repeat("<!--", 100_000)),
            string.Concat(Enumerable.Repeat("> \n", 100_000)) + "/agentic fix",
            string.Concat(Enumerable.Repeat("```\n", 50_000)),
            string.Concat(Enumerable.Repeat("agentic", 100_000)),
            string.Concat(Enumerable.Repeat("/agentic\n", 100_000)),
        ];

        foreach (var text in hostile)
        {
            var clock = Stopwatch.StartNew();
            _ = AgentCommandParser.ParseAddressed(text, "agentic");
            _ = AgentCommandParser.ParseSlackMessage(text, mentionRequired: true);
            _ = AgentCommandParser.ParseWords(text);
            TestContext.Out.WriteLine($"{text[..12].ReplaceLineEndings("\\n")}: {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), text[..20]);
        }
    }

    [Test]
    public async Task Should_accept_a_comment_built_to_make_the_mention_parser_backtrack()
    {
        var payload = WebhookExamples.Get("issue_comment", "created").First();
        payload["comment"]!["body"] = "/agentic fix " + string.Concat(Enumerable.Repeat("<@A|", 16_000));
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(AgentRequestReceived));
        var deliveryId = $"backtrack-{Guid.NewGuid()}";

        var clock = Stopwatch.StartNew();
        using var response = await _gateway.PostGitHubAsync("issue_comment", deliveryId, body, (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0]);
        var elapsed = clock.Elapsed;

        var request = await probe.WaitForAsync(1, m => m.Message.GetProperty("deliveryId").GetString() == deliveryId);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            // At least one: under the tests' 1 s publish timeout a slow confirm can also be relayed (consumers dedupe by delivery id).
            Assert.That(request.Select(r => r.Message.GetProperty("verb").GetString()), Is.Not.Empty.And.All.EqualTo("fix"));
        });
    }

    private async Task<(string Status, string? Reason, string DeliveryId)> PostCommentAsync(string comment, string association)
    {
        var payload = WebhookExamples.Get("issue_comment", "created").First();
        payload["comment"]!["body"] = comment;
        payload["comment"]!["author_association"] = association;
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var deliveryId = $"comment-{Guid.NewGuid()}";
        using var response = await _gateway.PostGitHubAsync("issue_comment", deliveryId, body, (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0]);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (answer.GetProperty("status").GetString()!, answer.TryGetProperty("reason", out var reason) ? reason.GetString() : null, deliveryId);
    }

    private async Task<JsonElement> ListedAsync(string deliveryId)
    {
        var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.OperatorKey);
        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/deliveries?source=github&limit=500")).RootElement;
        return listed.EnumerateArray().Single(d => d.GetProperty("deliveryId").GetString() == deliveryId);
    }
}
