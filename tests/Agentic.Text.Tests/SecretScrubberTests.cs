using Microsoft.Extensions.Configuration;

namespace Agentic.Text.Tests;

public sealed class SecretScrubberTests
{
    private const string KeyLine1 = "MIIEowIBAAKCAQEAx3Jf5Qe0Lr8sT2vYw9ZkP4nB7cUe1aHs6GdXjK0mVtRq";
    private const string KeyLine2 = "q9Lw2Xc5Vb8Nm1Kj4Hg7Fd0Sa3Pu6Oy9It2Re5Wq8Ez1Tx4Cv7Bn0Ml3Kh6Gf9";
    private const string PrivateKey = "-----BEGIN RSA PRIVATE KEY-----\n" + KeyLine1 + "\n" + KeyLine2 + "\n-----END RSA PRIVATE KEY-----\n";

    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["GitHub:Api:App:PrivateKey"] = PrivateKey,
        ["GitHub:Webhooks:Secret"] = "whsec-9f8e7d6c5b4a",
        ["Operator:ApiKey"] = "op-key-Zq81xYw3Lm",
        ["Slack:BotToken"] = "t0k*en_<odd>@chars#1",
        ["ConnectionStrings:Postgres"] = "Host=db;Username=agentic;Password='pg-Pa55word-77x';Database=agentic",
        ["ConnectionStrings:RabbitMq"] = "amqp://agentic:rmq%2Fs3cret-44y@broker:5672",
        ["Logging:LogLevel:Default"] = "Information-level-words",
        ["GitHub:Api:RateLimit:MinimumWriteInterval"] = "00:00:01",
        ["Executor:KeepWorkspaces"] = "false",
        ["Llm:MaxTokens"] = "123456789",
    }).Build();

    [Test]
    public void Should_collect_every_secret_value_and_no_plain_setting_from_configuration()
    {
        var values = SecretValues.FromConfiguration(Configuration);

        Assert.That(values, Is.EquivalentTo(new[]
        {
            PrivateKey.Trim(), "whsec-9f8e7d6c5b4a", "op-key-Zq81xYw3Lm", "t0k*en_<odd>@chars#1", "pg-Pa55word-77x", "rmq%2Fs3cret-44y", "rmq/s3cret-44y",
        }));
    }

    [TestCase("GitHub__Api__App__PrivateKey=" + PrivateKey)]
    [TestCase("only one line of it: " + KeyLine2)]
    [TestCase("{\"key\":\"-----BEGIN RSA PRIVATE KEY-----\\n" + KeyLine1 + "\\n" + KeyLine2 + "\\n-----END RSA PRIVATE KEY-----\\n\"}")]
    [TestCase("secret whsec-9f8e7d6c5b4a, key op-key-Zq81xYw3Lm, pg pg-Pa55word-77x, broker rmq/s3cret-44y and rmq%2Fs3cret-44y")]
    public void Should_remove_every_secret_the_service_holds_by_value(string text)
    {
        var scrubbed = new SecretScrubber(SecretValues.FromConfiguration(Configuration)).Scrub(text);

        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { KeyLine1, KeyLine2, "PRIVATE KEY", "whsec-9f8e7d6c5b4a", "op-key-Zq81xYw3Lm", "pg-Pa55word-77x", "s3cret-44y", "Zq81xYw3Lm" })
            {
                Assert.That(scrubbed, Does.Not.Contain(secret));
            }

            Assert.That(scrubbed, Does.Contain(SecretPatterns.Redacted));
        });
    }

    [Test]
    public void Should_remove_a_secret_value_that_was_escaped_for_markdown_before_it_was_scrubbed()
    {
        var escaped = "escaped first: " + GitHubMarkdown.EscapeLine("t0k*en_<odd>@chars#1");

        var scrubbed = new SecretScrubber(SecretValues.FromConfiguration(Configuration)).Scrub(escaped);

        Assert.That(scrubbed, Is.EqualTo("escaped first: " + SecretPatterns.Redacted));
    }

    [TestCase("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXkt")]
    [TestCase("cut off: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "MIIEvQIBADAN")]
    [TestCase("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXkt")]
    [TestCase("token ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 end", "ghs_AbCd")]
    [TestCase("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11")]
    [TestCase("xoxb-1234567890-abcdefghijkl", "xoxb-1234")]
    [TestCase("Authorization: Bearer abcdefghijklmnop.qrstuvwxyz", "abcdefghijklmnop")]
    [TestCase("git clone https://x-access-token:abcdef123456@github.com/o/r", "abcdef123456")]
    public void Should_remove_secrets_nobody_told_it_about_by_their_shape(string text, string secretPart)
    {
        var scrubbed = SecretScrubber.ShapesOnly.Scrub(text);

        Assert.That(scrubbed, Does.Not.Contain(secretPart).And.Contain(SecretPatterns.Redacted));
    }

    [Test]
    public void Should_leave_ordinary_text_alone()
    {
        const string text = "error CS0103: The name 'customerId' does not exist in the current context (src/Orders.cs:12)";

        Assert.That(new SecretScrubber(SecretValues.FromConfiguration(Configuration)).Scrub(text), Is.EqualTo(text));
    }
}
