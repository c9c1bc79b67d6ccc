using System.Net;
using System.Net.Sockets;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Executor.Tests.Sandbox;

[NonParallelizable]
public sealed class SandboxRunnerTests
{
    private ExecutorHarness _harness = null!;
    private string _workspace = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _harness = await ExecutorHarness.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Executor:Sandbox:MaxOutputBytes"] = "65536",
        ["Executor:Sandbox:MaxProcesses"] = "40",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    [SetUp]
    public void CreateWorkspace()
    {
        _workspace = Path.Combine(_harness.Root, "ws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workspace);
    }

    private Task<SandboxResult> RunAsync(string[] argv, TimeSpan? timeout = null) =>
        _harness.Sandbox.RunAsync(new SandboxRequest { Workspace = _workspace, Arguments = argv, Timeout = timeout ?? TimeSpan.FromSeconds(30) }, CancellationToken.None);

    [Test]
    public async Task Should_run_in_the_workspace_when_writing_there()
    {
        var result = await RunAsync(["sh", "-c", "echo hello > made-inside.txt && pwd && id -u"]);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(File.ReadAllText(Path.Combine(_workspace, "made-inside.txt")), Is.EqualTo("hello\n"));
        Assert.That(result.OutputTail, Does.Contain(SandboxRunner.WorkspaceMount));
    }

    [Test]
    public async Task Should_fail_to_connect_when_the_command_has_no_network()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var inside = await RunAsync(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$0 && echo connected", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.That(inside.ExitCode, Is.Not.Zero);
        Assert.That(inside.OutputTail, Does.Not.Contain("connected\n"));
    }

    [TestCase("/etc/agentic-sandbox-probe")]
    [TestCase("/work/agentic-sandbox-probe")]
    [TestCase("/usr/local/bin/agentic-sandbox-probe")]
    public async Task Should_refuse_writes_when_the_path_is_outside_the_workspace(string path)
    {
        var result = await RunAsync(["sh", "-c", "echo x > \"$0\"", path]);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(File.Exists(path), Is.False);
        Assert.That(result.OutputTail, Does.Contain("Read-only file system").Or.Contain("Permission denied").Or.Contain("nonexistent"));
    }

    [Test]
    public async Task Should_run_the_command_at_a_lower_priority_than_the_services()
    {
        var result = await RunAsync(["nice"]);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(result.OutputTail.Trim(), Is.EqualTo(new Agentic.Executor.Options.SandboxOptions().Niceness.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task Should_run_the_command_only_on_cycles_the_services_leave_idle()
    {
        var result = await RunAsync(["sh", "-c", "chrt -p $$"]);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(result.OutputTail, Does.Contain("SCHED_IDLE"));
    }

    [Test]
    public async Task Should_keep_git_metadata_read_only_when_the_workspace_is_a_repository()
    {
        Directory.CreateDirectory(Path.Combine(_workspace, ".git"));

        var result = await RunAsync(["sh", "-c", "echo evil > .git/config"]);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(File.Exists(Path.Combine(_workspace, ".git", "config")), Is.False);
    }

    [Test]
    public async Task Should_hide_secrets_when_the_service_environment_has_them()
    {
        Environment.SetEnvironmentVariable("GitHub__Api__Token", "ghp_fakefakefakefakefakefakefake123456");
        Environment.SetEnvironmentVariable("ConnectionStrings__agentic", "Host=db;Password=hunter2");
        try
        {
            var result = await RunAsync(["env"]);

            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.OutputTail, Does.Not.Contain("GitHub__Api__Token"));
            Assert.That(result.OutputTail, Does.Not.Contain("ConnectionStrings"));
            Assert.That(result.OutputTail, Does.Not.Contain("hunter2"));
            Assert.That(result.OutputTail, Does.Contain("HOME=/tmp/home"));
            Assert.That(result.OutputTail, Does.Contain("DOTNET_CLI_TELEMETRY_OPTOUT=1"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GitHub__Api__Token", null);
            Environment.SetEnvironmentVariable("ConnectionStrings__agentic", null);
        }
    }

    [Test]
    public async Task Should_not_see_the_host_home_when_it_holds_credentials()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        var result = await RunAsync(["ls", "-A", home]);

        Assert.That(result.OutputTail.Trim(), Is.Empty.Or.Not.Contain(".bash_history"));
    }

    [Test]
    public async Task Should_kill_the_whole_tree_when_the_timeout_passes()
    {
        var started = DateTime.UtcNow;

        var result = await RunAsync(["sh", "-c", "sleep 600 & sleep 600 & wait"], TimeSpan.FromSeconds(1));

        Assert.That(result.TimedOut, Is.True);
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
        var leftovers = Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Count(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Contains("sleep\0600", StringComparison.Ordinal)
                    && File.ReadAllText(Path.Combine(d, "environ")).Contains("HOME=/tmp/home", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });
        Assert.That(leftovers, Is.Zero, "no sandboxed sleep survives");
    }

    [Test]
    public async Task Should_stop_the_command_when_its_output_exceeds_the_cap()
    {
        var result = await RunAsync(["yes", "agentic"], TimeSpan.FromSeconds(30));

        Assert.That(result.OutputLimitExceeded, Is.True);
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.OutputTail.Length, Is.LessThanOrEqualTo(16 * 1024 + 1));
    }

    [Test]
    public async Task Should_refuse_more_processes_when_the_cgroup_limit_is_reached()
    {
        var cgroups = _harness.Services.GetRequiredService<CgroupLimits>();
        await RunAsync(["true"]);
        Assume.That(cgroups.Available, Does.Contain("pids"), "cgroups are not writable here");

        var result = await RunAsync(["sh", "-c", "i=0; while [ $i -lt 100 ]; do sleep 5 & i=$((i+1)); done; echo all started"], TimeSpan.FromSeconds(20));

        Assert.That(result.OutputTail, Does.Not.Contain("all started"));
        Assert.That(result.ExitCode, Is.Not.Zero);
    }

    [Test]
    public async Task Should_scrub_tokens_when_a_command_prints_them()
    {
        var result = await RunAsync(["echo", "token ghs_abcdefghijklmnopqrstuvwxyz0123456789 and https://x-access-token:secretvalue@github.com/o/r"]);

        Assert.That(result.OutputTail, Does.Not.Contain("ghs_abcdefghijklmnopqrstuvwxyz"));
        Assert.That(result.OutputTail, Does.Not.Contain("secretvalue"));
    }

    /// <summary>
    /// What a hostile command reads from every place a secret used to be reachable: the environment of the sandbox's
    /// PID 1 (bubblewrap itself) and of every process it sees, its own, <c>/etc/shadow</c>, the service's settings
    /// beside its binaries and the host's home. Read raw from a file in the workspace, not from the (scrubbed) output.
    /// </summary>
    [Test]
    public async Task Should_leak_no_secret_when_a_hostile_command_reads_the_host()
    {
        var planted = "planted-" + Guid.NewGuid().ToString("N");
        var settings = Path.Combine(AppContext.BaseDirectory, $"appsettings.Canary{Guid.NewGuid():N}.json");
        File.WriteAllText(settings, $$"""{ "GitHub": { "Api": { "App": { "PrivateKey": "{{planted}}-settings" } } } }""");
        Environment.SetEnvironmentVariable("AGENTIC_PLANTED_VALUE", planted + "-env");
        Environment.SetEnvironmentVariable("GitHub__Api__App__PrivateKey", planted + "-key");
        try
        {
            var result = await RunAsync(
            [
                "sh", "-c",
                "for f in /proc/1/environ /proc/self/environ /proc/*/environ /etc/shadow \"$0\" \"$1\"/appsettings.json \"$2\"/.bash_history; " +
                "do echo \"== $f\"; cat \"$f\"; echo; done > leak.txt 2>&1; ls -la / \"$1\" >> leak.txt 2>&1; true",
                settings, AppContext.BaseDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            ]);

            Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
            var leak = await File.ReadAllTextAsync(Path.Combine(_workspace, "leak.txt"));
            Assert.That(leak, Does.Contain("== /proc/1/environ").And.Contain("PATH="), "the command did read the environments");
            Assert.That(leak, Does.Not.Contain(planted));
            Assert.That(leak, Does.Not.Contain("root:"), "/etc/shadow is not there");
        }
        finally
        {
            Environment.SetEnvironmentVariable("AGENTIC_PLANTED_VALUE", null);
            Environment.SetEnvironmentVariable("GitHub__Api__App__PrivateKey", null);
            File.Delete(settings);
        }
    }

    /// <summary>
    /// As root, a user namespace alone maps the sandbox user to host root for file access: a root-only (0600) file in
    /// a folder bound into the sandbox was readable. Commands now run as the unprivileged sandbox account.
    /// </summary>
    [Test]
    public async Task Should_not_read_a_root_only_file_when_the_executor_runs_as_root()
    {
        Assume.That(SandboxAccount.IsRoot && OperatingSystem.IsLinux(), Is.True, "only a root Executor switches accounts");
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var folder = Path.Combine(_harness.Root, "canary-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var canary = Path.Combine(folder, "root-only");
        var planted = "planted-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(canary, planted);
        File.SetUnixFileMode(canary, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await _harness.Sandbox.RunAsync(new SandboxRequest
        {
            Workspace = _workspace,
            Arguments = ["sh", "-c", "cat \"$0\" > leak.txt 2>&1; cat /etc/ssl/private/* >> leak.txt 2>&1; id -u >> leak.txt; true", canary],
            ReadOnlyPaths = [folder],
            Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        var leak = await File.ReadAllTextAsync(Path.Combine(_workspace, "leak.txt"));
        Assert.That(leak, Does.Contain("Permission denied"));
        Assert.That(leak, Does.Not.Contain(planted));
        Assert.That(leak, Does.Not.Contain("PRIVATE KEY"));
    }

    [Test]
    public async Task Should_see_only_the_system_and_the_workspace_when_listing_the_root()
    {
        var result = await RunAsync(["sh", "-c", "ls -A /; test -e /root && echo HAS-ROOT; test -e /work && echo HAS-WORK; test -e /var && echo HAS-VAR; true"]);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(result.OutputTail, Does.Not.Contain("HAS-ROOT").And.Not.Contain("HAS-WORK").And.Not.Contain("HAS-VAR"));
        Assert.That(result.OutputTail, Does.Contain("usr"));
    }
}
