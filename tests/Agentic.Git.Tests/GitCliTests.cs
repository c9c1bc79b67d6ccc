using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agentic.Git.Tests;

/// <summary><see cref="GitCli"/> running the real git in a temporary folder, and against loopback servers for the network.</summary>
public sealed class GitCliTests
{
    private const string Secret = "ghs_Secret0123456789abcdefghijklmnopqrstu";

    private static readonly string EncodedSecret = Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{Secret}"));

    private readonly GitCli _git = new();
    private string _directory = null!;

    [SetUp]
    public async Task CreateRepository()
    {
        _directory = Directory.CreateTempSubdirectory("agentic-git-").FullName;
        await _git.RunCheckedAsync(_directory, ["init", "--quiet"], null, CancellationToken.None);
    }

    [TearDown]
    public void DeleteRepository() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Should_pass_arguments_literally_when_they_contain_spaces_quotes_and_semicolons()
    {
        const string value = "a b; touch pwned && echo \"double\" 'single' $(touch pwned) `touch pwned` | tee pwned";

        await _git.RunCheckedAsync(_directory, ["config", "--file", "a config; file", "agentic.value", value], null, CancellationToken.None);
        var read = await _git.RunCheckedAsync(_directory, ["config", "--file", "a config; file", "--get", "agentic.value"], null, CancellationToken.None);

        Assert.That(read, Is.EqualTo(value));
        Assert.That(Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { ".git", "a config; file" }));
    }

    [Test]
    public async Task Should_feed_standard_input_and_trim_the_output_when_input_is_given()
    {
        var hash = await _git.RunCheckedAsync(_directory, ["hash-object", "--stdin"], null, CancellationToken.None, input: "hello\n"u8.ToArray());

        Assert.That(hash, Is.EqualTo("ce013625030ba8dba906f756967f9e9ca394464a"));
    }

    [Test]
    public void Should_throw_with_gits_error_output_when_the_command_fails()
    {
        var error = Assert.ThrowsAsync<GitException>(() => _git.RunCheckedAsync(_directory, ["-c", "advice.x=false", "rev-parse", "--verify", "no-such-branch"], null, CancellationToken.None));

        Assert.That(error!.ExitCode, Is.EqualTo(128));
        Assert.That(error.Error, Is.EqualTo("fatal: Needed a single revision"));
        Assert.That(error.Message, Is.EqualTo("git rev-parse failed (exit 128): fatal: Needed a single revision"));
    }

    [Test]
    public async Task Should_kill_git_and_report_it_when_the_output_exceeds_the_cap()
    {
        var blob = await _git.RunCheckedAsync(_directory, ["hash-object", "-w", "--stdin"], null, CancellationToken.None, input: Encoding.ASCII.GetBytes(new string('x', 1024 * 1024)));

        var result = await _git.RunAsync(_directory, ["cat-file", "blob", blob], null, CancellationToken.None, maxOutputBytes: 4096);

        Assert.That(result.OutputLimitExceeded, Is.True);
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Output, Has.Length.EqualTo(4096));
    }

    [Test]
    public async Task Should_kill_git_and_report_it_when_the_time_limit_passes()
    {
        await using var server = new SilentHttpServer();

        var result = await new GitCli(TimeSpan.FromSeconds(1)).RunAsync(_directory, ["fetch", server.Url("slow.git")], null, CancellationToken.None);

        Assert.That(result.TimedOut, Is.True);
        Assert.That(result.Succeeded, Is.False);
    }

    [Test]
    public async Task Should_kill_git_and_its_helpers_when_cancelled()
    {
        await using var server = new SilentHttpServer();
        using var cancel = new CancellationTokenSource();
        var (fetch, marker, _) = await StartHangingFetchAsync(server, null, cancel.Token);
        Assert.That(CommandLinesWith(marker), Has.Count.GreaterThanOrEqualTo(2), "git and git-remote-http");

        await cancel.CancelAsync();

        Assert.That(async () => await fetch, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => CommandLinesWith(marker), Is.Empty.After(5000, 100));
    }

    [Test]
    public async Task Should_send_the_token_as_an_http_header_and_never_on_a_command_line()
    {
        await using var server = new SilentHttpServer();
        using var cancel = new CancellationTokenSource();
        var (fetch, marker, request) = await StartHangingFetchAsync(server, Secret, cancel.Token);
        var gitCommandLines = CommandLinesWith(marker);
        await cancel.CancelAsync();
        Assert.That(async () => await fetch, Throws.InstanceOf<OperationCanceledException>());

        Assert.That(request, Does.Contain($"\r\nAuthorization: Basic {EncodedSecret}\r\n"));
        Assert.That(gitCommandLines, Is.Not.Empty);
        Assert.That(gitCommandLines, Has.None.Contain(Secret).And.None.Contain(EncodedSecret));
        Assert.That(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories).Select(File.ReadAllText), Has.None.Contain(Secret).And.None.Contain(EncodedSecret));
    }

    [Test]
    public void Should_keep_the_token_out_of_the_error_when_a_fetch_fails()
    {
        var port = ClosedPort();

        var error = Assert.ThrowsAsync<GitException>(() => _git.RunCheckedAsync(_directory, ["fetch", $"http://127.0.0.1:{port}/private.git"], Secret, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("git fetch failed").And.Contain($"127.0.0.1 port {port}"));
        Assert.That(error.Message, Does.Not.Contain(Secret).And.Not.Contain(EncodedSecret));
    }

    [Test]
    public void Should_redact_the_token_when_git_repeats_it_in_its_error()
    {
        var error = Assert.ThrowsAsync<GitException>(() => _git.RunCheckedAsync(_directory, ["show", Secret], Secret, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain($"'{OutputScrubber.Redacted}'").And.Not.Contain(Secret));
    }

    /// <summary>Starts a fetch from a unique URL on <paramref name="server"/> and waits for its first request; git then waits until cancelled.</summary>
    private async Task<(Task<GitResult> Fetch, string Marker, string Request)> StartHangingFetchAsync(SilentHttpServer server, string? token, CancellationToken cancellationToken)
    {
        var marker = Guid.NewGuid().ToString("N");
        var fetch = _git.RunAsync(_directory, ["fetch", server.Url($"{marker}.git")], token, cancellationToken);
        var request = await server.FirstRequest.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        return (fetch, marker, request);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The command lines (arguments joined by spaces) of the processes this user can read that contain <paramref name="marker"/>.</summary>
    private static List<string> CommandLinesWith(string marker)
    {
        var lines = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                lines.Add(File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' '));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours.
            }
        }

        return [.. lines.Where(l => l.Contains(marker, StringComparison.Ordinal))];
    }
}
