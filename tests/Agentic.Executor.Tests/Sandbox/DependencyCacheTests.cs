using System.Diagnostics;
using Agentic.Executor.Options;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Agentic.Executor.Tests.Sandbox;

/// <summary>
/// A NuGet packages folder filled beforehand by a host-side restore (network, outside the sandbox), then a real
/// NUnit test project built and tested in the sandbox with no network, as the sandbox account, from that read-only cache.
/// </summary>
[NonParallelizable]
public sealed class DependencyCacheTests
{
    private const string ProjectFile = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <IsPackable>false</IsPackable>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />
            <PackageReference Include="NUnit" Version="4.6.1" />
            <PackageReference Include="NUnit3TestAdapter" Version="6.3.1" />
          </ItemGroup>
        </Project>
        """;

    private const string TestFile = """
        using NUnit.Framework;

        namespace Cached;

        public sealed class ArithmeticTests
        {
            [Test]
            public void Adds() => Assert.That(1 + 1, Is.EqualTo(2));
        }
        """;

    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """;

    private string _root = null!;
    private string _packages = null!;
    private ExecutorHarness _harness = null!;

    [OneTimeSetUp]
    public async Task RestoreOnceAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "agentic-cache-tests", Guid.NewGuid().ToString("N"));
        _packages = Path.Combine(_root, "packages");
        var seed = Path.Combine(_root, "seed");
        Directory.CreateDirectory(_packages);
        WriteProject(seed);
        OpenToOthers(_packages);

        // The host-side seeding: a trusted project, restored with the network, into the folder the sandbox will read.
        using var restore = Process.Start(new ProcessStartInfo("dotnet", ["restore", "--nologo", "-v", "q"])
        {
            WorkingDirectory = seed,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NUGET_PACKAGES"] = _packages, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
        })!;
        var output = restore.StandardOutput.ReadToEndAsync();
        var errors = restore.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await restore.WaitForExitAsync(timeout.Token);
        Assert.That(restore.ExitCode, Is.Zero, "restore of the seed project: " + await output + await errors);

        _harness = await ExecutorHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Executor:Sandbox:NuGetPackages"] = _packages,
        });
    }

    [OneTimeTearDown]
    public async Task CleanUpAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public async Task Should_test_offline_when_the_packages_are_in_the_read_only_cache()
    {
        var workspace = NewWorkspace();
        WriteProject(workspace);

        var result = await _harness.Sandbox.RunAsync(new SandboxRequest
        {
            Workspace = workspace,
            Arguments = ["dotnet", "test", "--nologo"],
            Timeout = TimeSpan.FromMinutes(5),
        }, CancellationToken.None);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(result.OutputTail, Does.Contain("Passed").IgnoreCase);
        Assert.That(result.OutputTail, Does.Not.Contain("NU1301"));
    }

    [Test]
    public async Task Should_refuse_writes_when_a_command_writes_into_the_cache()
    {
        var workspace = NewWorkspace();
        var nuspec = Path.Combine(_packages, "nunit", "4.6.1", "nunit.nuspec");
        var before = await File.ReadAllTextAsync(nuspec);

        var result = await _harness.Sandbox.RunAsync(new SandboxRequest
        {
            Workspace = workspace,
            Arguments = ["sh", "-c", "test -f \"$NUGET_PACKAGES/nunit/4.6.1/nunit.nuspec\" && echo SEEN; touch \"$NUGET_PACKAGES/planted\"; mkdir \"$NUGET_PACKAGES/evil\"; echo evil >> \"$NUGET_PACKAGES/nunit/4.6.1/nunit.nuspec\"; rm -rf \"$NUGET_PACKAGES/nunit\"; true"],
            Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);

        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(result.OutputTail, Does.Contain("SEEN"), "the cache is visible");
        Assert.That(result.OutputTail, Does.Contain("Read-only file system"));
        Assert.That(File.Exists(Path.Combine(_packages, "planted")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_packages, "evil")), Is.False);
        Assert.That(await File.ReadAllTextAsync(nuspec), Is.EqualTo(before));
    }

    [Test]
    public async Task Should_create_the_default_caches_under_the_workspace_root_when_none_is_configured()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var workspace = Path.Combine(harness.Root, "ws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);

        var result = await harness.Sandbox.RunAsync(new SandboxRequest
        {
            Workspace = workspace,
            Arguments = ["sh", "-c", "echo \"nuget=$NUGET_PACKAGES npm=$npm_config_cache\"; ls \"$NUGET_PACKAGES\" \"$npm_config_cache\" && echo LISTED; touch \"$NUGET_PACKAGES/planted\" \"$npm_config_cache/planted\"; true"],
            Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);

        var nuget = Path.Combine(harness.Root, DependencyCaches.CachesFolder, "nuget");
        var npm = Path.Combine(harness.Root, DependencyCaches.CachesFolder, "npm");
        Assert.That(result.ExitCode, Is.Zero, result.OutputTail);
        Assert.That(result.OutputTail, Does.Contain($"nuget={SandboxRunner.NuGetMount} npm={SandboxRunner.NpmMount}"));
        Assert.That(result.OutputTail, Does.Contain("LISTED"), "the sandbox account reads both");
        Assert.That(File.Exists(Path.Combine(nuget, "planted")) || File.Exists(Path.Combine(npm, "planted")), Is.False);
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode expected = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            Assert.That(File.GetUnixFileMode(nuget), Is.EqualTo(expected));
            Assert.That(File.GetUnixFileMode(npm), Is.EqualTo(expected));
        }
    }

    [Test]
    public async Task Should_leave_out_and_name_the_cache_once_when_the_sandbox_account_cannot_read_it()
    {
        Assume.That(SandboxAccount.IsRoot && OperatingSystem.IsLinux(), Is.True, "only a root Executor switches accounts");
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var hidden = Path.Combine(_root, "root-only");
        var packages = Path.Combine(hidden, "packages");
        Directory.CreateDirectory(packages);
        File.SetUnixFileMode(hidden, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = Microsoft.Extensions.Options.Options.Create(new ExecutorOptions
        {
            WorkspaceRoot = Path.Combine(_root, "workspace-root"),
            Sandbox = new SandboxOptions { NuGetPackages = packages },
        });
        var logger = new RecordingLogger();
        var caches = new DependencyCaches(new SandboxAccount(options), options, logger);

        var first = caches.Current;
        var second = caches.Current;

        Assert.That(first.NuGetPackages, Is.Null);
        Assert.That(second.NuGetPackages, Is.Null);
        Assert.That(first.NpmCache, Is.EqualTo(Path.Combine(_root, "workspace-root", DependencyCaches.CachesFolder, "npm")));
        Assert.That(logger.Warnings, Has.Count.EqualTo(1));
        Assert.That(logger.Warnings[0], Does.Contain(packages).And.Contain("Executor:Sandbox:NuGetPackages").And.Contain("chmod"));
    }

    private string NewWorkspace()
    {
        var workspace = Path.Combine(_harness.Root, "ws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
        return workspace;
    }

    private static void WriteProject(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Cached.Tests.csproj"), ProjectFile);
        File.WriteAllText(Path.Combine(folder, "ArithmeticTests.cs"), TestFile);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), NuGetConfig);
    }

    /// <summary>The temporary folders searchable by the sandbox account, whatever the umask.</summary>
    private static void OpenToOthers(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var current = folder; current.Length > Path.GetTempPath().TrimEnd('/').Length; current = Path.GetDirectoryName(current)!)
        {
            File.SetUnixFileMode(current, File.GetUnixFileMode(current) | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        }
    }

    private sealed class RecordingLogger : ILogger<DependencyCaches>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
