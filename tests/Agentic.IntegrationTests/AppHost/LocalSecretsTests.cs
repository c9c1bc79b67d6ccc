using System.Runtime.Versioning;
using Agentic.AppHost.Hosting;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>The installation's own credentials in the state folder (issues 9 and 11): generated once, private, kept.</summary>
[SupportedOSPlatform("linux")]
public sealed class LocalSecretsTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    public void Should_generate_each_secret_once_in_a_file_only_its_owner_can_read_and_reuse_it()
    {
        var folder = Path.Combine(TestEnvironment.Root, $"secrets-{Guid.NewGuid():N}");
        var value = new LocalSecrets(folder).GetOrCreate(LocalSecrets.OperatorApiKey);
        var again = new LocalSecrets(folder).GetOrCreate(LocalSecrets.OperatorApiKey);
        var other = new LocalSecrets(folder).GetOrCreate(LocalSecrets.GitHubWebhookSecret);

        Assert.Multiple(() =>
        {
            Assert.That(value, Has.Length.EqualTo(43).And.Match("^[A-Za-z0-9_-]+$"), "32 random bytes, base64url");
            Assert.That(again, Is.EqualTo(value), "kept for the next start");
            Assert.That(other, Is.Not.EqualTo(value));
            Assert.That(File.GetUnixFileMode(Path.Combine(folder, LocalSecrets.OperatorApiKey)), Is.EqualTo(OwnerReadWrite));
            Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { LocalSecrets.OperatorApiKey, LocalSecrets.GitHubWebhookSecret }));
        });
    }

    [Test]
    public void Should_use_a_value_written_into_the_file_and_make_the_file_private()
    {
        var folder = Path.Combine(TestEnvironment.Root, $"secrets-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, LocalSecrets.GitHubWebhookSecret);
        File.WriteAllText(path, "the-secret-given-to-github-app\n");
        File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var value = new LocalSecrets(folder).GetOrCreate(LocalSecrets.GitHubWebhookSecret);

        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo("the-secret-given-to-github-app"));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(OwnerReadWrite));
        });
    }

    [Test]
    public void Should_keep_the_secrets_when_the_state_folder_is_reset()
    {
        using var state = new StateDirectory(Path.Combine(TestEnvironment.Root, $"state-{Guid.NewGuid():N}"));
        state.Acquire();
        var password = new LocalSecrets(state.Secrets).GetOrCreate(LocalSecrets.PostgresPassword);
        Directory.CreateDirectory(state.PostgresData);

        state.Reset();

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(state.PostgresData), Is.False);
            Assert.That(new LocalSecrets(state.Secrets).GetOrCreate(LocalSecrets.PostgresPassword), Is.EqualTo(password));
        });
    }

    [Test]
    public void Should_describe_where_the_secrets_are_without_their_values()
    {
        var secrets = new LocalSecrets(Path.Combine(TestEnvironment.Root, $"secrets-{Guid.NewGuid():N}"));

        var lines = secrets.Describe();

        var text = string.Join('\n', lines);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain(secrets.PathOf(LocalSecrets.OperatorApiKey)).And.Contain(secrets.PathOf(LocalSecrets.GitHubWebhookSecret)));
            Assert.That(text, Does.Not.Contain(secrets.GetOrCreate(LocalSecrets.OperatorApiKey)));
            Assert.That(text, Does.Not.Contain(secrets.GetOrCreate(LocalSecrets.GitHubWebhookSecret)));
        });
    }
}
