using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Agentic.Contracts.Execution;
using Agentic.Executor.Egress;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Setup;
using Agentic.Executor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Executor.Tests.Setup;

/// <summary>
/// The setup phase with real bubblewrap, real npm and dotnet, the real registries (npm, NuGet) through the egress proxy,
/// and the fixture <c>Setup/Fixtures/npm</c>: <c>is-odd</c> 3.0.1 (two packages) with a <c>postinstall</c> script that
/// leaves a marker file.
/// </summary>
[NonParallelizable]
public sealed class SetupPhaseTests
{
    private static readonly string Fixture = Path.Combine(TestContext.CurrentContext.TestDirectory, "Setup", "Fixtures", "npm");

    private ExecutorHarness _harness = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _harness = await ExecutorHarness.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private SetupPhase Setup => _harness.Services.GetRequiredService<SetupPhase>();

    private string NpmWorkspace()
    {
        var workspace = NewWorkspace();
        foreach (var file in Directory.EnumerateFiles(Fixture))
        {
            File.Copy(file, Path.Combine(workspace, Path.GetFileName(file)));
        }

        return workspace;
    }

    private string NewWorkspace()
    {
        var workspace = Path.Combine(_harness.Root, "ws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
        return workspace;
    }

    private string PnpmWorkspace()
    {
        var workspace = NewWorkspace();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Setup", "Fixtures", "pnpm")))
        {
            File.Copy(file, Path.Combine(workspace, Path.GetFileName(file)));
        }

        return workspace;
    }

    [Test]
    public async Task Should_install_a_pnpm_repository_with_the_real_pnpm_through_the_proxy_then_install_nothing_on_the_same_lockfile()
    {
        Assert.That(SetupDetector.ProgramExists("pnpm"), Is.True, "pnpm is installed by tests/run.sh (npm install -g pnpm)");
        var repository = NewRepository();
        var first = PnpmWorkspace();
        var second = PnpmWorkspace();

        using var cold = await Setup.RunAsync(new SetupRequest { Workspace = first, Repository = repository }, CancellationToken.None);
        using var warm = await Setup.RunAsync(new SetupRequest { Workspace = second, Repository = repository }, CancellationToken.None);
        var run = await _harness.Services.GetRequiredService<SandboxRunner>().RunAsync(new SandboxRequest
        {
            Workspace = second,
            Arguments = ["node", "-e", "if (!require('is-odd')(3)) process.exit(1); console.log('is-odd from pnpm')"],
            Timeout = TimeSpan.FromSeconds(60),
        }, CancellationToken.None);

        Assert.That(cold.Succeeded, Is.True, cold.Error + string.Join("\n", cold.Steps.Select(s => s.OutputTail)));
        Assert.That(cold.Steps.Single().CommandLine, Is.EqualTo("pnpm install --frozen-lockfile --ignore-scripts"));
        Assert.That(cold.Tunnels, Is.Not.Empty);
        Assert.That(cold.Tunnels, Has.All.Matches<EgressTunnel>(t => t.Allowed && t.Host == "registry.npmjs.org"));
        Assert.That(warm.Succeeded, Is.True, warm.Error);
        Assert.That(warm.Tunnels, Is.Empty, "the second setup on the same pnpm lockfile reaches no registry");
        Assert.That(run.ExitCode, Is.Zero, run.OutputTail);
        Assert.That(run.OutputTail, Does.Contain("is-odd from pnpm"), "the copied node_modules (pnpm's symbolic links) resolves offline");
    }

    private string FixtureWorkspace(string fixture)
    {
        var workspace = NewWorkspace();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Setup", "Fixtures", fixture)))
        {
            File.Copy(file, Path.Combine(workspace, Path.GetFileName(file)));
        }

        return workspace;
    }

    [Test]
    public async Task Should_install_a_yarn_1_repository_through_the_proxy_without_its_scripts_then_install_nothing_on_the_same_lockfile()
    {
        Assert.That(SetupDetector.ProgramExists("yarn"), Is.True, "yarn 1 is installed by AppHost/prerequisites.sh (npm install -g yarn@1.22.22)");
        var repository = NewRepository();
        var first = FixtureWorkspace("yarn");
        var second = FixtureWorkspace("yarn");

        using var cold = await Setup.RunAsync(new SetupRequest { Workspace = first, Repository = repository }, CancellationToken.None);
        using var warm = await Setup.RunAsync(new SetupRequest { Workspace = second, Repository = repository }, CancellationToken.None);
        var build = await RunAsync(second, ["yarn", "run", "--silent", "build"]);
        var changed = FixtureWorkspace("yarn");
        File.AppendAllText(Path.Combine(changed, "yarn.lock"), "\n# another lockfile, the same packages\n");
        using var fromYarnCache = await Setup.RunAsync(new SetupRequest { Workspace = changed, Repository = repository }, CancellationToken.None);

        Assert.That(cold.Succeeded, Is.True, cold.Error + string.Join("\n", cold.Steps.Select(s => s.OutputTail)));
        Assert.That(cold.Steps.Single().CommandLine, Is.EqualTo("yarn install --frozen-lockfile --ignore-scripts"));
        Assert.That(cold.Tunnels, Is.Not.Empty);
        Assert.That(cold.Tunnels, Has.All.Matches<EgressTunnel>(t => t.Allowed && t.Host == "registry.yarnpkg.com" && t.Port == 443), Egress(cold.Tunnels));
        Assert.That(File.Exists(Path.Combine(first, "node_modules", "is-odd", "package.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(first, "postinstall-ran")), Is.False, "postinstall must not run by default");
        Assert.That(warm.Succeeded, Is.True, warm.Error);
        Assert.That(warm.Tunnels, Is.Empty, "the second setup on the same yarn.lock reaches no registry");
        Assert.That(build.ExitCode, Is.Zero, build.OutputTail);
        Assert.That(build.OutputTail, Does.Contain("is-odd from yarn yarn/1.22.22"), "the copied node_modules serves yarn 1 offline");
        Assert.That(fromYarnCache.Succeeded, Is.True, fromYarnCache.Error);
        Assert.That(fromYarnCache.Steps.Single().OutputTail, Does.Not.Contain("restored from the cache"), "a different lockfile: yarn installs");
        Assert.That(File.Exists(Path.Combine(changed, "node_modules", "is-odd", "package.json")), Is.True);
        Assert.That(fromYarnCache.Tunnels, Is.Empty, "yarn 1's own cache is kept per repository: no download for packages it has");
    }

    [Test]
    public async Task Should_not_run_the_scripts_of_a_ci_jobs_own_yarn_1_install_unless_the_repository_allows_them()
    {
        var workspace = FixtureWorkspace("yarn");
        var allowed = FixtureWorkspace("yarn");
        SetupStep[] declared = [new("Install", ["yarn", "install", "--frozen-lockfile"], ".", new Dictionary<string, string>())];

        using var off = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = NewRepository(), Steps = declared }, CancellationToken.None);
        using var on = await Setup.RunAsync(new SetupRequest { Workspace = allowed, Repository = NewRepository(), Steps = declared, AllowLifecycleScripts = true }, CancellationToken.None);

        Assert.That(off.Succeeded, Is.True, off.Error);
        Assert.That(File.Exists(Path.Combine(workspace, "node_modules", "is-odd", "package.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(workspace, "postinstall-ran")), Is.False, "YARN_IGNORE_SCRIPTS keeps yarn 1's scripts off for a declared step");
        Assert.That(on.Succeeded, Is.True, on.Error);
        Assert.That(File.Exists(Path.Combine(allowed, "postinstall-ran")), Is.True, "allow_lifecycle_scripts: true runs it");
    }

    [Test]
    public async Task Should_install_a_yarn_4_repository_through_corepack_and_the_proxy_then_run_its_yarn_offline_and_install_nothing_again()
    {
        Assert.That(SandboxRunner.CorepackShims(), Is.Not.Null, "corepack comes with Node.js 20");
        var repository = NewRepository();
        var first = FixtureWorkspace("yarn-berry");
        var second = FixtureWorkspace("yarn-berry");
        var declared = FixtureWorkspace("yarn-berry");

        using var cold = await Setup.RunAsync(new SetupRequest { Workspace = first, Repository = repository }, CancellationToken.None);
        using var warm = await Setup.RunAsync(new SetupRequest { Workspace = second, Repository = repository }, CancellationToken.None);
        var build = await RunAsync(second, ["yarn", "run", "build"]);
        var corepackHome = await RunAsync(second, ["sh", "-c", "touch \"$COREPACK_HOME/written\""]);
        using var ciStep = await Setup.RunAsync(new SetupRequest
        {
            Workspace = declared,
            Repository = NewRepository(),
            Steps = [new("Install", ["yarn", "install", "--immutable"], ".", new Dictionary<string, string>())],
        }, CancellationToken.None);

        Assert.That(cold.Succeeded, Is.True, cold.Error + string.Join("\n", cold.Steps.Select(s => s.OutputTail)));
        Assert.That(cold.Steps.Single().CommandLine, Is.EqualTo("yarn install --immutable --mode=skip-build"));
        Assert.That(cold.Tunnels.Select(t => t.Host).Distinct(), Is.EquivalentTo(new[] { "registry.npmjs.org", "registry.yarnpkg.com" }),
            "corepack fetches yarn 4.9.2 from the npm registry, yarn fetches the packages from its own: " + Egress(cold.Tunnels));
        Assert.That(cold.Tunnels, Has.All.Matches<EgressTunnel>(t => t.Allowed && t.Port == 443), Egress(cold.Tunnels));
        Assert.That(File.Exists(Path.Combine(first, "node_modules", "is-odd", "package.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(first, "postinstall-ran")), Is.False, "--mode=skip-build: not even the workspace's own postinstall");
        Assert.That(File.ReadAllText(Path.Combine(first, "package.json")), Does.Contain("\"packageManager\": \"yarn@4.9.2\""), "corepack never rewrites package.json");
        Assert.That(warm.Succeeded, Is.True, warm.Error);
        Assert.That(warm.Tunnels, Is.Empty, "the second setup on the same yarn.lock reaches no registry");
        Assert.That(build.ExitCode, Is.Zero, build.OutputTail);
        Assert.That(build.OutputTail, Does.Contain("is-odd from yarn yarn/4.9.2"), "yarn in the sandbox is the pinned yarn 4, from the corepack home, with no network");
        Assert.That(corepackHome.ExitCode, Is.Not.Zero, "the corepack home is read-only outside setup");
        Assert.That(ciStep.Succeeded, Is.True, ciStep.Error);
        Assert.That(ciStep.Steps.Single().CommandLine, Is.EqualTo("yarn install --immutable --mode=skip-build"), "a CI job's own install gets --mode=skip-build");
        Assert.That(File.Exists(Path.Combine(declared, "postinstall-ran")), Is.False);
    }

    [Test]
    public async Task Should_fail_setup_naming_plug_n_play_without_installing_when_a_yarn_4_repository_uses_it()
    {
        var workspace = FixtureWorkspace("yarn-berry");
        File.Delete(Path.Combine(workspace, ".yarnrc.yml"));

        using var result = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = NewRepository() }, CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Does.StartWith("setup failed: the repository uses Yarn 4.9.2 Plug'n'Play (.yarnrc.yml nodeLinker: not set, so pnp)"));
        Assert.That(result.Error, Does.EndWith("(no change was tried)"));
        Assert.That(result.Tunnels, Is.Empty);
        Assert.That(Directory.Exists(Path.Combine(workspace, "node_modules")), Is.False);
    }

    [TestCase("pnpm", "the package manager pnpm is not installed on this machine")]
    [TestCase("yarn", "the package manager yarn is not installed on this machine")]
    [TestCase("bun", "bun is not installed on this machine")]
    public void Should_name_the_missing_package_manager_when_the_machine_lacks_it(string program, string message) =>
        Assert.That(SetupPhase.MissingProgram(program, _ => false), Does.StartWith(message));

    [Test]
    public async Task Should_fail_setup_naming_the_missing_package_manager_when_a_step_needs_one_the_machine_lacks()
    {
        var workspace = NewWorkspace();
        var step = new SetupStep("yarn berry", ["yarn-berry-not-installed", "install", "--immutable"], ".", new Dictionary<string, string>());

        using var result = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = NewRepository(), Steps = [step] }, CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Is.EqualTo("setup failed: yarn-berry-not-installed is not installed on this machine, so `yarn-berry-not-installed install --immutable` cannot run (no change was tried)"));
        Assert.That(result.Tunnels, Is.Empty);
    }

    private static string Egress(IEnumerable<EgressTunnel> tunnels) =>
        string.Join(", ", tunnels.Select(t => $"{t.Host}:{t.Port} {(t.Allowed ? "allowed" : "refused " + t.Refusal)}"));

    private static string NewRepository() => "repo-" + Guid.NewGuid().ToString("N")[..12];

    [Test]
    public async Task Should_install_through_the_proxy_then_install_nothing_when_the_lockfile_is_the_same()
    {
        var repository = NewRepository();
        var first = NpmWorkspace();
        var second = NpmWorkspace();

        using var cold = await Setup.RunAsync(new SetupRequest { Workspace = first, Repository = repository }, CancellationToken.None);
        using var warm = await Setup.RunAsync(new SetupRequest { Workspace = second, Repository = repository }, CancellationToken.None);

        Assert.That(cold.Succeeded, Is.True, cold.Error);
        Assert.That(cold.Steps.Single().CommandLine, Is.EqualTo("npm ci --ignore-scripts --no-audit --no-fund"));
        Assert.That(cold.Steps.Single().Kind, Is.EqualTo("setup"));
        Assert.That(File.Exists(Path.Combine(first, "node_modules", "is-odd", "package.json")), Is.True);
        Assert.That(cold.Tunnels, Is.Not.Empty);
        Assert.That(cold.Tunnels, Has.All.Matches<EgressTunnel>(t => t.Allowed && t.Host == "registry.npmjs.org" && t.Port == 443));
        Assert.That(warm.Succeeded, Is.True, warm.Error);
        Assert.That(File.Exists(Path.Combine(second, "node_modules", "is-odd", "package.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(second, "node_modules", "is-number", "package.json")), Is.True);
        Assert.That(warm.Tunnels, Is.Empty, "the second setup on the same lockfile reaches no registry");
    }

    [Test]
    public async Task Should_not_run_lifecycle_scripts_unless_the_repository_allows_them()
    {
        var workspace = NpmWorkspace();
        var allowed = NpmWorkspace();

        using var off = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = NewRepository() }, CancellationToken.None);
        using var on = await Setup.RunAsync(new SetupRequest { Workspace = allowed, Repository = NewRepository(), AllowLifecycleScripts = true }, CancellationToken.None);

        Assert.That(off.Succeeded, Is.True, off.Error);
        Assert.That(File.Exists(Path.Combine(workspace, "postinstall-ran")), Is.False, "postinstall must not run by default");
        Assert.That(on.Succeeded, Is.True, on.Error);
        Assert.That(on.Steps.Single().CommandLine, Does.Not.Contain("--ignore-scripts"));
        Assert.That(File.Exists(Path.Combine(allowed, "postinstall-ran")), Is.True, "allow_lifecycle_scripts: true runs it");
    }

    [Test]
    public async Task Should_reach_the_registry_but_be_refused_a_local_server_when_setup_runs_in_the_sandbox()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var workspace = NewWorkspace();
        var none = new Dictionary<string, string>();
        const string ThroughProxy = "exec 3<>/dev/tcp/127.0.0.1/3128 && printf 'CONNECT localhost:%s HTTP/1.1\\r\\n\\r\\n' \"$0\" >&3 && head -c 12 <&3; echo";
        const string Direct = "if exec 3<>/dev/tcp/127.0.0.1/$0; then echo direct-connected; else echo direct-failed; fi";

        using var result = await Setup.RunAsync(new SetupRequest
        {
            Workspace = workspace,
            Repository = NewRepository(),
            Steps =
            [
                new("registry", ["npm", "view", "is-odd@3.0.1", "version"], ".", none),
                new("proxy to local", ["bash", "-c", ThroughProxy, port], ".", none),
                new("direct to local", ["bash", "-c", Direct, port], ".", none),
            ],
        }, CancellationToken.None);

        Assert.That(result.Succeeded, Is.True, result.Error);
        Assert.That(result.Steps[0].OutputTail, Does.Contain("3.0.1"));
        Assert.That(result.Steps[1].OutputTail, Does.Contain("HTTP/1.1 403"));
        Assert.That(result.Steps[1].OutputTail, Does.Contain($"egress: localhost:{port} REFUSED"));
        Assert.That(result.Steps[2].OutputTail, Does.Contain("direct-failed"));
        Assert.That(result.Tunnels.Where(t => t.Host == "registry.npmjs.org"), Is.Not.Empty.And.All.Matches<EgressTunnel>(t => t.Allowed));
        Assert.That(result.Tunnels.Single(t => t.Host == "localhost"), Has.Property(nameof(EgressTunnel.Allowed)).False.And.Property(nameof(EgressTunnel.Port)).EqualTo(int.Parse(port, CultureInfo.InvariantCulture)));
        Assert.That(listener.Pending(), Is.False, "nothing reached the local server");
    }

    [Test]
    public async Task Should_leave_later_commands_without_network_and_with_read_only_caches()
    {
        var workspace = NpmWorkspace();
        using var setup = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = NewRepository() }, CancellationToken.None);
        Assert.That(setup.Succeeded, Is.True, setup.Error);

        var build = await RunAsync(workspace, ["npm", "run", "--silent", "build"]);
        var registry = await RunAsync(workspace, ["npm", "view", "is-odd@3.0.1", "version", "--prefer-online", "--offline=false"]);
        var proxy = await RunAsync(workspace, ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/3128 && echo proxy-reachable"]);
        var cache = await RunAsync(workspace, ["sh", "-c", "touch \"$npm_config_cache/written\""]);

        Assert.That(build.ExitCode, Is.Zero, "the installed module is there, offline: " + build.OutputTail);
        Assert.That(registry.ExitCode, Is.Not.Zero, "no registry after setup: " + registry.OutputTail);
        Assert.That(proxy.OutputTail, Does.Not.Contain("proxy-reachable"));
        Assert.That(cache.ExitCode, Is.Not.Zero, "the npm cache is read-only outside setup");
    }

    [Test]
    public async Task Should_fail_naming_the_install_command_when_the_lockfile_does_not_match()
    {
        var workspace = NpmWorkspace();
        File.WriteAllText(Path.Combine(workspace, "package.json"), """{ "name": "setup-fixture", "version": "1.0.0", "dependencies": { "is-even": "1.0.0" } }""");

        using var result = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = NewRepository() }, CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Does.StartWith("setup failed: installing dependencies with `npm ci --ignore-scripts --no-audit --no-fund` exited 1"));
        Assert.That(result.Error, Does.Contain("npm error"), "with the tail of the install's output");
        Assert.That(result.Steps.Single().ExitCode, Is.EqualTo(1));
        Assert.That(result.Steps.Single().OutputTail, Does.Contain("in sync"));
    }

    [Test]
    public async Task Should_restore_a_nuget_package_through_the_proxy_and_build_offline_afterwards()
    {
        var workspace = NewWorkspace();
        File.WriteAllText(Path.Combine(workspace, "Tiny.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ardalis.GuardClauses" Version="5.0.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(workspace, "Guarded.cs"), "using Ardalis.GuardClauses;\npublic static class Guarded { public static string Name(string? value) => Guard.Against.NullOrEmpty(value); }\n");
        var repository = NewRepository();

        using var setup = await Setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = repository }, CancellationToken.None);
        var build = await RunAsync(workspace, ["dotnet", "build", "Tiny.csproj", "--nologo", "-v", "q"], TimeSpan.FromMinutes(3));

        Assert.That(setup.Succeeded, Is.True, setup.Error);
        Assert.That(setup.Steps.Single().CommandLine, Does.StartWith("dotnet restore Tiny.csproj"));
        Assert.That(setup.Tunnels.Where(t => t.Allowed).Select(t => t.Host).Distinct(), Is.EqualTo(new[] { "api.nuget.org" }));
        var caches = _harness.Services.GetRequiredService<RepositoryCaches>().For(repository);
        Assert.That(Directory.Exists(Path.Combine(caches.NuGetPackages!, "ardalis.guardclauses", "5.0.0")), Is.True);
        Assert.That(build.ExitCode, Is.Zero, "builds with no network from the packages setup restored: " + build.OutputTail);

        // The next attempt: a fresh working copy of the same project restores from the repository's packages folder.
        var next = NewWorkspace();
        foreach (var file in (string[])["Tiny.csproj", "Guarded.cs"])
        {
            File.Copy(Path.Combine(workspace, file), Path.Combine(next, file));
        }

        using var again = await Setup.RunAsync(new SetupRequest { Workspace = next, Repository = repository }, CancellationToken.None);
        Assert.That(again.Succeeded, Is.True, again.Error);
        Assert.That(again.Tunnels, Is.Empty, "the second restore of the same packages reaches no registry");
    }

    [Test]
    public async Task Should_fail_setup_without_running_anything_when_a_step_sets_a_forbidden_variable()
    {
        var workspace = NewWorkspace();

        using var result = await Setup.RunAsync(new SetupRequest
        {
            Workspace = workspace,
            Repository = NewRepository(),
            Steps = [new("install", ["touch", "ran"], ".", new Dictionary<string, string> { ["LD_PRELOAD"] = "/tmp/ws/evil.so" })],
        }, CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Does.Contain("'LD_PRELOAD' cannot be set"));
        Assert.That(File.Exists(Path.Combine(workspace, "ran")), Is.False);
    }

    private async Task<SandboxResult> RunAsync(string workspace, string[] argv, TimeSpan? timeout = null) =>
        await _harness.Sandbox.RunAsync(new SandboxRequest { Workspace = workspace, Arguments = argv, Timeout = timeout ?? TimeSpan.FromMinutes(1) }, CancellationToken.None);
}
