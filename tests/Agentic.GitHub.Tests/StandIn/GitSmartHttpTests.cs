using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.GitHub.Tests.StandIn;

/// <summary>git clone and git push through the stand-in's smart HTTP, with installation tokens as on github.com.</summary>
public sealed class GitSmartHttpTests
{
    private string _workspace = null!;

    [SetUp]
    public void CreateWorkspace()
    {
        _workspace = Path.Combine(Path.GetTempPath(), $"agentic-git-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(_workspace);
    }

    [TearDown]
    public void RemoveWorkspace() => Directory.Delete(_workspace, recursive: true);

    [Test]
    public async Task Should_clone_and_push_a_branch_when_the_installation_token_is_given()
    {
        await using var github = await GitHubHarness.StartAsync(privateRepository: true);
        var token = (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        var url = WithCredentials(github.Repository.CloneUrl, "x-access-token", token);

        await Git(_workspace, "clone", "--quiet", url, "work");
        var work = Path.Combine(_workspace, "work");
        await File.WriteAllTextAsync(Path.Combine(work, "src", "Program.cs"), "Console.WriteLine(\"Fixed\");\n");
        await Git(work, "-c", "user.name=Agentic", "-c", "user.email=agentic@example.invalid", "commit", "--quiet", "-am", "Fix the build");
        await Git(work, "push", "--quiet", "origin", "HEAD:refs/heads/agentic/fix-1");
        var pushed = (await Git(work, "rev-parse", "HEAD")).Trim();

        var commit = await github.Repository.GetCommitAsync("agentic/fix-1", CancellationToken.None);
        var reference = await github.Client.GetReferenceAsync(GitHubHarness.Owner, GitHubHarness.Repo, "heads/agentic/fix-1", CancellationToken.None);
        var file = await github.Client.GetFileContentAsync(GitHubHarness.Owner, GitHubHarness.Repo, "src/Program.cs", "agentic/fix-1", CancellationToken.None);

        Assert.That(github.Repository.ReadRef("agentic/fix-1"), Is.EqualTo(pushed));
        Assert.That(commit.Message, Is.EqualTo("Fix the build"));
        Assert.That(commit.Parents, Is.EqualTo(new[] { github.Repository.ReadRef("main") }));
        Assert.That(reference!.Target.Sha, Is.EqualTo(pushed));
        Assert.That(file!.GetText(), Is.EqualTo("Console.WriteLine(\"Fixed\");\n"));
        // git asks without credentials first and sends them after the 401 challenge, as against github.com.
        Assert.That(github.StandIn.GitRequests.Where(r => r.IsWrite).Select(r => (r.Status, r.User)), Is.EqualTo(new List<(int, string?)> { (401, null), (200, "agentic[bot]"), (200, "agentic[bot]") }));
    }

    [Test]
    public async Task Should_reject_a_push_when_no_token_is_given()
    {
        await using var github = await GitHubHarness.StartAsync();
        await Git(_workspace, "clone", "--quiet", github.Repository.CloneUrl.AbsoluteUri, "work");
        var work = Path.Combine(_workspace, "work");
        await File.WriteAllTextAsync(Path.Combine(work, "new.txt"), "new\n");
        await Git(work, "add", "new.txt");
        await Git(work, "-c", "user.name=Anyone", "-c", "user.email=anyone@example.invalid", "commit", "--quiet", "-m", "Sneak in");

        var push = await GitCommand.RunAsync(work, ["push", "origin", "HEAD:refs/heads/sneaky"], CancellationToken.None);

        Assert.That(push.ExitCode, Is.Not.Zero, "a public repository clones anonymously but takes pushes only with a token");
        Assert.That(push.Error, Does.Contain("could not read Username").Or.Contain("Authentication failed").Or.Contain("401"));
        Assert.That(github.Repository.ReadRef("sneaky"), Is.Null);
        Assert.That(github.StandIn.GitRequests, Has.Some.Matches<StandInGitRequest>(r => r.IsWrite && r.Status == 401));
    }

    [Test]
    public async Task Should_reject_a_clone_of_a_private_repository_when_the_token_is_missing_or_wrong()
    {
        await using var github = await GitHubHarness.StartAsync(privateRepository: true);

        var anonymous = await GitCommand.RunAsync(_workspace, ["clone", github.Repository.CloneUrl.AbsoluteUri, "anonymous"], CancellationToken.None);
        var wrong = await GitCommand.RunAsync(_workspace, ["clone", WithCredentials(github.Repository.CloneUrl, "x-access-token", "ghs_wrong"), "wrong"], CancellationToken.None);

        Assert.That(anonymous.ExitCode, Is.Not.Zero);
        Assert.That(wrong.ExitCode, Is.Not.Zero);
        Assert.That(wrong.Error, Does.Not.Contain("ghs_wrong"), "git hides the password of a URL");
        Assert.That(Directory.Exists(Path.Combine(_workspace, "anonymous", ".git")), Is.False);
    }

    [Test]
    public async Task Should_seed_a_repository_from_a_folder_when_one_is_given()
    {
        await using var github = await GitHubHarness.StartAsync();
        var source = Path.Combine(_workspace, "source");
        Directory.CreateDirectory(Path.Combine(source, "lib"));
        await File.WriteAllTextAsync(Path.Combine(source, "lib", "a.cs"), "class A {}\n");
        await File.WriteAllTextAsync(Path.Combine(source, "global.json"), "{}\n");

        var repository = await github.StandIn.CreateRepositoryAsync(GitHubHarness.Owner, "seeded", sourceDirectory: source);
        var files = await repository.ListFilesAsync("main", CancellationToken.None);
        var content = await repository.ReadFileAsync("main", "lib/a.cs", CancellationToken.None);

        Assert.That(files, Is.EquivalentTo(new List<string> { "global.json", "lib/a.cs" }));
        Assert.That(System.Text.Encoding.UTF8.GetString(content!), Is.EqualTo("class A {}\n"));
        Assert.That((await repository.GetCommitAsync("main", CancellationToken.None)).Parents, Is.Empty);
    }

    private static string WithCredentials(Uri url, string user, string password) =>
        new UriBuilder(url) { UserName = user, Password = password }.Uri.AbsoluteUri;

    private static async Task<string> Git(string directory, params string[] arguments)
    {
        var result = await GitCommand.RunAsync(directory, arguments, CancellationToken.None);
        Assert.That(result.ExitCode, Is.Zero, $"git {string.Join(' ', arguments.Where(a => !a.Contains("x-access-token", StringComparison.Ordinal)))}: {result.Error}");
        return result.OutputText;
    }
}
