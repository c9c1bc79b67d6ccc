using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agentic.Contracts.Ingress;
using Agentic.IntegrationTests.Infrastructure;
using Dapper;
using Npgsql;

namespace Agentic.IntegrationTests.IngressGateway;

/// <summary>GitHub deliveries through the real gateway: GitHub's own example payloads, signed with GitHub's own library.</summary>
public sealed class GitHubWebhookTests
{
    private static readonly string[] Events =
    [
        "ping", "installation", "installation_repositories", "check_run", "check_suite", "workflow_run", "workflow_job",
        "pull_request", "pull_request_review", "issues", "issue_comment", "push", "repository",
    ];

    private static readonly Type[] EventTypes =
    [
        typeof(CheckRunCompleted), typeof(CheckSuiteCompleted), typeof(WorkflowRunCompleted), typeof(WorkflowJobCompleted), typeof(PullRequestChanged),
        typeof(PullRequestReviewSubmitted), typeof(IssueLabeled), typeof(AgentRequestReceived), typeof(PushReceived), typeof(InstallationChanged),
        typeof(RepositoryChanged),
    ];

    // What the system consumes: (event, action) → message type. Everything else is recorded and ignored.
    private static readonly Dictionary<(string Event, string? Action), string> Consumed = new()
    {
        [("check_run", "completed")] = nameof(CheckRunCompleted),
        [("check_suite", "completed")] = nameof(CheckSuiteCompleted),
        [("workflow_run", "completed")] = nameof(WorkflowRunCompleted),
        [("workflow_job", "completed")] = nameof(WorkflowJobCompleted),
        [("pull_request", "opened")] = nameof(PullRequestChanged),
        [("pull_request", "synchronize")] = nameof(PullRequestChanged),
        [("pull_request", "reopened")] = nameof(PullRequestChanged),
        [("pull_request", "closed")] = nameof(PullRequestChanged),
        [("pull_request", "ready_for_review")] = nameof(PullRequestChanged),
        [("pull_request", "converted_to_draft")] = nameof(PullRequestChanged),
        [("pull_request", "edited")] = nameof(PullRequestChanged),
        [("pull_request_review", "submitted")] = nameof(PullRequestReviewSubmitted),
        [("issues", "labeled")] = nameof(IssueLabeled),
        [("push", null)] = nameof(PushReceived),
        [("repository", "transferred")] = nameof(RepositoryChanged),
        [("repository", "deleted")] = nameof(RepositoryChanged),
    };

    private string _database = null!;
    private GatewayHost _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        _database = await TestEnvironment.CreateMigratedDatabaseAsync("gateway_github");
        _gateway = new GatewayHost(_database, TestEnvironment.RabbitMq.ConnectionString);
        _ = _gateway.Server;
    }

    [OneTimeTearDown]
    public async Task StopGateway() => await _gateway.DisposeAsync();

    [Test]
    public async Task Should_accept_and_normalise_every_github_example_of_the_events_agentic_handles()
    {
        var examples = Events.SelectMany(e => WebhookExamples.Get(e).Select(payload => (Event: e, Payload: payload))).ToList();
        var bodies = examples.Select(e => Encoding.UTF8.GetBytes(e.Payload.ToJsonString())).ToList();
        var signatures = await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, bodies);
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, EventTypes);

        var expected = new List<string>();
        var failures = new List<string>();
        for (var i = 0; i < examples.Count; i++)
        {
            var (eventName, payload) = examples[i];
            var action = (string?)payload["action"];
            using var response = await _gateway.PostGitHubAsync(eventName, $"example-{Guid.NewGuid()}", bodies[i], signatures[i]);
            var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
            var type = Consumed.GetValueOrDefault((eventName, action)) ?? (eventName.StartsWith("installation", StringComparison.Ordinal) ? nameof(InstallationChanged) : null);
            var wanted = type is null ? (eventName == "ping" ? "pong" : "ignored") : "published";
            if (response.StatusCode != HttpStatusCode.Accepted || status != wanted)
            {
                failures.Add($"{eventName}.{action}: {(int)response.StatusCode} {status}, expected 202 {wanted}");
            }

            if (type is not null)
            {
                expected.Add(type);
            }
        }

        var received = await probe.WaitForAsync(expected.Count);
        Assert.Multiple(() =>
        {
            Assert.That(examples, Has.Count.GreaterThan(100), "the examples package should hold every event's examples");
            Assert.That(failures, Is.Empty);
            Assert.That(received.Select(m => m.Type).Order(), Is.EqualTo(expected.Order()), "one event on the bus per consumed delivery");
        });
    }

    [Test]
    public async Task Should_turn_an_agentic_command_comment_into_a_request_with_its_author_association()
    {
        var payload = WebhookExamples.Get("issue_comment", "created").First();
        payload["comment"]!["body"] = "Thanks!\n/agentic fix the flaky `LoginTests`; rm -rf /";
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(AgentRequestReceived));

        using var response = await _gateway.PostGitHubAsync("issue_comment", $"comment-{Guid.NewGuid()}", body, (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0]);

        var request = (await probe.WaitForAsync(1)).Single().Message;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(request.GetProperty("verb").GetString(), Is.EqualTo("fix"));
            Assert.That(request.GetProperty("text").GetString(), Is.EqualTo("the flaky `LoginTests`; rm -rf /"), "the text is carried verbatim, for validation later");
            Assert.That(request.GetProperty("association").GetInt32(), Is.EqualTo((int)Agentic.Contracts.Common.AuthorAssociation.Owner));
            Assert.That(request.GetProperty("replyTo").GetProperty("address").GetString(), Is.EqualTo("Codertocat/Hello-World#1"));
        });
    }

    [TestCase("tampered")]
    [TestCase("unsigned")]
    [TestCase("wrong-secret")]
    [TestCase("sha1-only")]
    public async Task Should_reject_a_delivery_with_401_and_record_nothing_when_it_is(string forgery)
    {
        var body = Encoding.UTF8.GetBytes(WebhookExamples.Get("check_run", "completed").First().ToJsonString());
        var deliveryId = $"forged-{Guid.NewGuid()}";
        var signature = forgery switch
        {
            "tampered" => (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0],
            "wrong-secret" => (await GitHubSigner.SignAsync("not-the-configured-secret", [body]))[0],
            _ => null,
        };
        if (forgery == "tampered")
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("failure", "success", StringComparison.Ordinal));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-GitHub-Event", "check_run");
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        if (forgery == "sha1-only")
        {
#pragma warning disable CA5350 // GitHub's legacy header is HMAC-SHA1: a correct one is made to prove it is refused.
            request.Headers.Add("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA1.HashData(Encoding.UTF8.GetBytes(GatewayHost.GitHubSecret), body)));
#pragma warning restore CA5350
        }

        using var response = await _gateway.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await DeliveryCountAsync(deliveryId), Is.Zero);
    }

    [Test]
    public async Task Should_accept_a_delivery_signed_with_the_secret_being_rotated_in()
    {
        var body = Encoding.UTF8.GetBytes(WebhookExamples.Get("push").First().ToJsonString());

        using var response = await _gateway.PostGitHubAsync("push", $"rotated-{Guid.NewGuid()}", body, (await GitHubSigner.SignAsync(GatewayHost.RotatedGitHubSecret, [body]))[0]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    [Test]
    public async Task Should_publish_one_event_when_the_same_delivery_arrives_twice()
    {
        var payload = WebhookExamples.Get("check_run", "completed").First();
        payload["check_run"]!["id"] = Random.Shared.NextInt64(1_000_000, long.MaxValue);
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var signature = (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0];
        var deliveryId = $"twice-{Guid.NewGuid()}";
        var checkRunId = payload["check_run"]!["id"]!.GetValue<long>();
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(CheckRunCompleted));

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _gateway.PostGitHubAsync("check_run", deliveryId, body, signature)));

        var received = await probe.WaitForAsync(1, m => m.Message.GetProperty("checkRunId").GetInt64() == checkRunId, TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.StatusCode), Is.EquivalentTo(new[] { HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.OK }));
            Assert.That(received, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_answer_400_naming_the_problem_when_the_body_is_not_usable()
    {
        var notJson = Encoding.UTF8.GetBytes("{\"action\": \"completed\", ");
        var missingField = WebhookExamples.Get("check_run", "completed").First();
        missingField["check_run"]!.AsObject().Remove("head_sha");
        var missingBody = Encoding.UTF8.GetBytes(missingField.ToJsonString());
        var signatures = await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [notJson, missingBody]);

        using var malformed = await _gateway.PostGitHubAsync("check_run", $"bad-{Guid.NewGuid()}", notJson, signatures[0]);
        using var incomplete = await _gateway.PostGitHubAsync("check_run", $"bad-{Guid.NewGuid()}", missingBody, signatures[1]);

        Assert.Multiple(async () =>
        {
            Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await malformed.Content.ReadAsStringAsync(), Does.Contain("not valid JSON"));
            Assert.That(incomplete.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await incomplete.Content.ReadAsStringAsync(), Does.Contain("head_sha"));
        });
    }

    [Test]
    public async Task Should_answer_413_when_the_body_is_over_25_megabytes()
    {
        var body = new byte[(25 * 1024 * 1024) + 1];

        using var response = await _gateway.PostGitHubAsync("push", $"huge-{Guid.NewGuid()}", body, "sha256=" + new string('0', 64));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Should_record_and_ignore_an_event_agentic_does_not_use()
    {
        var body = Encoding.UTF8.GetBytes(WebhookExamples.Get("star").First().ToJsonString());
        var deliveryId = $"star-{Guid.NewGuid()}";

        using var response = await _gateway.PostGitHubAsync("star", deliveryId, body, (await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, [body]))[0]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await DeliveryCountAsync(deliveryId), Is.EqualTo(1));
    }

    private async Task<long> DeliveryCountAsync(string deliveryId)
    {
        await using var connection = new NpgsqlConnection(_database);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = @deliveryId", new { deliveryId });
    }
}
