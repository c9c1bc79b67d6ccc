using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Agentic.Persistence;
using Agentic.ServiceDefaults;
using Agentic.Testing;
using Dapper;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>
/// The AppHost's <c>publish</c> command: Kubernetes manifests from the real application model, read back with YamlDotNet,
/// checked against the model (AppHost/Program.cs), and fed to <c>kubectl kustomize</c>; and the migrator its init containers run.
/// </summary>
public sealed class KubernetesPublishTests
{
    private const string SecretName = "agentic-secrets";
    private const string Migrations = "migrations";

    /// <summary>What AppHost/Program.cs declares: the workers wait for the database (migrated) and the broker, the gateway also for every worker.</summary>
    private static readonly string[] Workers = [.. ResourceNames.Services.Where(name => name != ResourceNames.IngressGateway)];

    private string _output = null!;
    private List<Manifest> _manifests = null!;

    [OneTimeSetUp]
    public async Task PublishTheModel()
    {
        _output = Path.Combine(TestEnvironment.Root, $"k8s-{Guid.NewGuid():N}"[..12]);
        var (exitCode, output) = await RunAppHostAsync(["publish", "--output", _output]);
        Assert.That(exitCode, Is.Zero, output);
        _manifests = Manifest.LoadAll(_output);
    }

    [Test]
    public void Should_write_one_file_per_resource_and_a_kustomization_listing_them()
    {
        var kustomization = _manifests.Single(manifest => manifest.Kind == "Kustomization");
        var listed = Manifest.SequenceOf(kustomization.Root, "resources").Select(Manifest.Text).ToList();
        var expected = ResourceNames.Services.Append(ResourceNames.Postgres).Append(ResourceNames.Messaging).Select(name => $"{name}.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(listed, Is.SupersetOf(expected).And.Contains("namespace.yaml").And.Contains("secret.yaml"));
            Assert.That(Directory.GetFiles(_output).Select(Path.GetFileName), Is.EquivalentTo(listed.Append("kustomization.yaml")));
            Assert.That(Manifest.Text(kustomization.Root, "namespace"), Is.EqualTo("agentic"));
            Assert.That(_manifests.Where(manifest => manifest.Kind is not "Kustomization" and not "Namespace").Select(manifest => Manifest.Text(manifest.Root, "metadata", "namespace")),
                Has.All.EqualTo("agentic"));
        });
    }

    [Test]
    public void Should_give_every_service_a_deployment_and_a_service_with_probes_and_connection_strings_from_the_secret()
    {
        Assert.That(ResourceNames.Services, Has.Count.EqualTo(8));
        Assert.Multiple(() =>
        {
            foreach (var name in ResourceNames.Services)
            {
                var deployment = Single("Deployment", name);
                var container = Manifest.Sequence(deployment.Root, "spec", "template", "spec", "containers").Single();
                Assert.That(Manifest.Text(container, "image"), Is.EqualTo($"agentic-{name}:latest"), name);
                Assert.That(Manifest.Text(container, "livenessProbe", "httpGet", "path"), Is.EqualTo("/alive"), name);
                Assert.That(Manifest.Text(container, "readinessProbe", "httpGet", "path"), Is.EqualTo("/health"), name);
                Assert.That(Manifest.Text(container, "readinessProbe", "httpGet", "port"), Is.EqualTo("http"), name);
                Assert.That(Manifest.Sequence(container, "ports").Select(port => (Manifest.Text(port, "name"), Manifest.Text(port, "containerPort"))),
                    Is.EqualTo(new[] { ("http", "8080") }), name);
                Assert.That(Manifest.Text(container, "resources", "limits", "memory"), Is.Not.Empty, name);
                Assert.That(Manifest.Text(container, "resources", "requests", "cpu"), Is.Not.Empty, name);

                var environment = EnvironmentOf(container);
                Assert.That(environment["ASPNETCORE_HTTP_PORTS"].Value, Is.EqualTo("8080"), name);
                foreach (var connection in new[] { ResourceNames.Database, ResourceNames.Messaging })
                {
                    var key = $"ConnectionStrings__{connection}";
                    Assert.That(environment[key].SecretKey, Is.EqualTo(key), $"{name}: {key}");
                    Assert.That(environment[key].SecretName, Is.EqualTo(SecretName), $"{name}: {key}");
                    Assert.That(environment[key].Value, Is.Null, $"{name}: {key} is never written in the Deployment");
                }

                var service = Single("Service", name);
                var port = Manifest.Sequence(service.Root, "spec", "ports").Single();
                Assert.That((Manifest.Text(port, "port"), Manifest.Text(port, "targetPort")), Is.EqualTo(("8080", "http")), name);
                Assert.That(Manifest.Map(service.Root, "spec", "selector").Children.Select(Pair),
                    Is.SubsetOf(Manifest.Map(deployment.Root, "spec", "template", "metadata", "labels").Children.Select(Pair)), name);
            }
        });
    }

    [Test]
    public void Should_keep_every_required_secret_key_in_the_secret_with_a_placeholder_value()
    {
        var secret = Single("Secret", SecretName);
        var data = Manifest.Map(secret.Root, "stringData").Children.ToDictionary(entry => Manifest.Text(entry.Key), entry => Manifest.Text(entry.Value));
        var required = _manifests.SelectMany(manifest => Manifest.Descendants(manifest.Root))
            .OfType<YamlMappingNode>()
            .Where(node => Manifest.Find(node, "secretKeyRef") is not null)
            .Select(node => (YamlMappingNode)Manifest.Find(node, "secretKeyRef")!)
            .Where(reference => Manifest.Find(reference, "optional") is not YamlScalarNode { Value: "true" })
            .Select(reference => Manifest.Text(reference, "key"))
            .Distinct()
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(data.Keys, Is.SupersetOf(required));
            Assert.That(data.Keys, Is.SupersetOf(new[] { "ConnectionStrings__agentic", "ConnectionStrings__messaging", "GitHub__Webhooks__Secrets__0" }));
            Assert.That(data.Values, Has.All.Contains("CHANGE-ME"), "every value is a placeholder to replace");
            Assert.That(data["ConnectionStrings__agentic"], Does.StartWith("Host=postgres;Port=5432;Database=agentic;"));
            Assert.That(data["ConnectionStrings__messaging"], Does.StartWith("amqp://").And.Contains("@messaging:5672/"));
            Assert.That(EnvironmentOf(GatewayContainer())["GitHub__Webhooks__Secrets__0"].SecretKey, Is.EqualTo("GitHub__Webhooks__Secrets__0"));
        });
    }

    [Test]
    public void Should_turn_every_WaitFor_into_init_containers_in_the_model_order()
    {
        Assert.Multiple(() =>
        {
            foreach (var name in ResourceNames.Services)
            {
                string[] expected =
                [
                    $"wait-for-{ResourceNames.Database}", $"{Migrations}-{ResourceNames.Database}", $"wait-for-{ResourceNames.Messaging}",
                    .. name == ResourceNames.IngressGateway ? Workers.Select(worker => $"wait-for-{worker}") : [],
                ];
                var initContainers = Manifest.Sequence(Single("Deployment", name).Root, "spec", "template", "spec", "initContainers").ToList();
                Assert.That(initContainers.Select(container => Manifest.Text(container, "name")), Is.EqualTo(expected), name);

                var waitForDatabase = initContainers.Single(container => Manifest.Text(container, "name") == $"wait-for-{ResourceNames.Database}");
                Assert.That(Manifest.SequenceOf(waitForDatabase, "command").Select(Manifest.Text).TakeLast(2), Is.EqualTo(new[] { ResourceNames.Postgres, "5432" }));
                var waitForBroker = initContainers.Single(container => Manifest.Text(container, "name") == $"wait-for-{ResourceNames.Messaging}");
                Assert.That(Manifest.SequenceOf(waitForBroker, "command").Select(Manifest.Text).TakeLast(2), Is.EqualTo(new[] { ResourceNames.Messaging, "5672" }));
                var migrate = initContainers.Single(container => Manifest.Text(container, "name") == $"{Migrations}-{ResourceNames.Database}");
                Assert.That(Manifest.Text(migrate, "image"), Is.EqualTo("agentic-migrations:latest"), "the migrator's image, never the AppHost's");
                Assert.That(Manifest.Find(migrate, "args"), Is.Null, "the image's own entry point");
                Assert.That(EnvironmentOf(migrate)[$"ConnectionStrings__{ResourceNames.Database}"].SecretKey, Is.EqualTo($"ConnectionStrings__{ResourceNames.Database}"));
            }

            // The edge opens last: the gateway waits for every worker's Service.
            var gatewayWaits = Manifest.Sequence(Single("Deployment", ResourceNames.IngressGateway).Root, "spec", "template", "spec", "initContainers")
                .Select(container => Manifest.SequenceOf(container, "command").Select(Manifest.Text).TakeLast(2).ToArray())
                .Where(target => target.Length == 2 && target[1] == "8080")
                .Select(target => target[0]);
            Assert.That(gatewayWaits, Is.EquivalentTo(Workers));
        });
    }

    /// <summary>ADR-008: the Executor runs untrusted code and holds no GitHub credential, locally or deployed.</summary>
    [Test]
    public void Should_give_the_executor_no_github_credential_when_deployed()
    {
        // Run locally, AppHostSmokeTests checks the running Executor's environment.
        var deployed = EnvironmentOf(Manifest.Sequence(Single("Deployment", ResourceNames.Executor).Root, "spec", "template", "spec", "containers").Single());
        var brokerDeployed = EnvironmentOf(Manifest.Sequence(Single("Deployment", ResourceNames.ResultProcessor).Root, "spec", "template", "spec", "containers").Single());

        Assert.Multiple(() =>
        {
            Assert.That(deployed.Keys, Has.None.StartsWith("GitHub__"));
            Assert.That(brokerDeployed.Keys, Does.Contain("GitHub__Api__App__PrivateKey"));
        });
    }

    [Test]
    public void Should_let_the_executor_run_bubblewrap_and_give_it_a_workspace_volume()
    {
        var executor = Single("Deployment", ResourceNames.Executor);
        var pod = Manifest.Map(executor.Root, "spec", "template", "spec");
        var container = Manifest.Sequence(pod, "containers").Single();
        var security = Manifest.Map(container, "securityContext");
        var environment = EnvironmentOf(container);
        var workspace = environment["Executor__WorkspaceRoot"].Value;
        var mount = Manifest.Sequence(container, "volumeMounts").Single(m => Manifest.Text(m, "mountPath") == workspace);
        var volume = Manifest.Sequence(pod, "volumes").Single(v => Manifest.Text(v, "name") == Manifest.Text(mount, "name"));

        Assert.Multiple(() =>
        {
            Assert.That(Manifest.Text(pod, "hostUsers"), Is.EqualTo("false"), "its own user namespace, so /proc may be unmasked");
            Assert.That(Manifest.Text(security, "procMount"), Is.EqualTo("Unmasked"), "bwrap mounts a new /proc");
            Assert.That(Manifest.Text(security, "seccompProfile", "type"), Is.EqualTo("Unconfined"), "RuntimeDefault refuses unshare and mount");
            Assert.That(Manifest.Text(security, "appArmorProfile", "type"), Is.EqualTo("Unconfined"));
            Assert.That(Manifest.Text(security, "allowPrivilegeEscalation"), Is.EqualTo("false"));
            Assert.That(Manifest.Text(security, "runAsNonRoot"), Is.EqualTo("true"));
            Assert.That(Manifest.SequenceOf(security, "capabilities", "drop").Select(Manifest.Text), Is.EqualTo(new[] { "ALL" }));
            Assert.That(Manifest.Find(security, "privileged"), Is.Null);
            Assert.That(workspace, Is.EqualTo("/var/lib/agentic-executor"));
            Assert.That(Manifest.Find(volume, "emptyDir") ?? Manifest.Find(volume, "persistentVolumeClaim"), Is.Not.Null);
            Assert.That(File.ReadAllText(executor.File), Does.Contain("# bubblewrap (ADR-005)"), "the security context says why");
        });
    }

    [Test]
    public void Should_run_every_other_container_as_non_root_with_a_read_only_root_and_no_capabilities()
    {
        Assert.Multiple(() =>
        {
            foreach (var manifest in _manifests.Where(manifest => manifest.Kind == "Deployment"))
            {
                var pod = Manifest.Map(manifest.Root, "spec", "template", "spec");
                Assert.That(Manifest.Text(pod, "securityContext", "runAsNonRoot"), Is.EqualTo("true"), manifest.Name);
                Assert.That(Manifest.Text(pod, "securityContext", "seccompProfile", "type"), Is.EqualTo("RuntimeDefault"), manifest.Name);
                Assert.That(Manifest.Text(pod, "automountServiceAccountToken"), Is.EqualTo("false"), manifest.Name);
                var containers = Manifest.Sequence(pod, "initContainers").Concat(Manifest.Sequence(pod, "containers"));
                foreach (var container in containers)
                {
                    var name = $"{manifest.Name}/{Manifest.Text(container, "name")}";
                    Assert.That(Manifest.Text(container, "securityContext", "allowPrivilegeEscalation"), Is.EqualTo("false"), name);
                    Assert.That(Manifest.Text(container, "securityContext", "readOnlyRootFilesystem"), Is.EqualTo("true"), name);
                    Assert.That(Manifest.SequenceOf(container, "securityContext", "capabilities", "drop").Select(Manifest.Text), Is.EqualTo(new[] { "ALL" }), name);
                    if (manifest.Name != ResourceNames.Executor || Manifest.Text(container, "name") != ResourceNames.Executor)
                    {
                        Assert.That(Manifest.Find(Manifest.Map(container, "securityContext"), "seccompProfile"), Is.Null, $"{name} keeps the pod's RuntimeDefault");
                    }
                }

                var main = Manifest.Sequence(pod, "containers").Single();
                var tmp = Manifest.Sequence(main, "volumeMounts").Single(mount => Manifest.Text(mount, "mountPath") == "/tmp");
                var volume = Manifest.Sequence(pod, "volumes").Single(v => Manifest.Text(v, "name") == Manifest.Text(tmp, "name"));
                Assert.That(Manifest.Find(volume, "emptyDir"), Is.Not.Null, $"{manifest.Name}: /tmp is an emptyDir");
            }
        });
    }

    [Test]
    public void Should_expose_only_the_ingress_gateway()
    {
        var ingress = _manifests.Where(manifest => manifest.Kind == "Ingress").ToList();
        Assert.That(ingress.Select(manifest => manifest.Name), Is.EqualTo(new[] { ResourceNames.IngressGateway }));
        var path = Manifest.Sequence(Manifest.Sequence(ingress[0].Root, "spec", "rules").Single(), "http", "paths").Single();
        Assert.Multiple(() =>
        {
            Assert.That(Manifest.Text(path, "backend", "service", "name"), Is.EqualTo(ResourceNames.IngressGateway));
            Assert.That(Manifest.Text(path, "backend", "service", "port", "name"), Is.EqualTo("http"));
            Assert.That(Manifest.Text(Manifest.Sequence(ingress[0].Root, "spec", "rules").Single(), "host"), Does.Contain("change-me"));
        });
    }

    [Test]
    public void Should_confine_only_the_executor_and_the_command_dispatcher_with_a_network_policy_kustomization_lists()
    {
        var policies = _manifests.Where(manifest => manifest.Kind == "NetworkPolicy").ToList();
        var listed = Manifest.SequenceOf(_manifests.Single(manifest => manifest.Kind == "Kustomization").Root, "resources").Select(Manifest.Text);
        Assert.Multiple(() =>
        {
            Assert.That(policies.Select(policy => policy.Name), Is.EquivalentTo(new[] { ResourceNames.Executor, ResourceNames.CommandDispatcher }));
            Assert.That(policies.Select(policy => Path.GetFileName(policy.File)), Is.SubsetOf(listed));
            foreach (var policy in policies)
            {
                Assert.That(Manifest.Text(policy.Root, "apiVersion"), Is.EqualTo("networking.k8s.io/v1"), policy.Name);
                Assert.That(File.ReadAllText(policy.File), Does.Contain("# DNS (kube-dns in kube-system)"), $"{policy.Name}: the egress rules say why");
            }
        });
    }

    /// <summary>ADR-011: the sandboxed builds reach package registries through the pod's egress proxy; the pod itself reaches nothing private but its broker and database.</summary>
    [Test]
    public void Should_let_the_executor_reach_only_dns_its_broker_its_database_and_https_outside_private_ranges()
    {
        var policy = Single("NetworkPolicy", ResourceNames.Executor);
        var spec = Manifest.Map(policy.Root, "spec");
        Assert.Multiple(() =>
        {
            Assert.That(Manifest.Map(spec, "podSelector", "matchLabels").Children.Select(Pair), Is.EqualTo(PodSelectorOf(ResourceNames.Executor)));
            Assert.That(Manifest.SequenceOf(spec, "policyTypes").Select(Manifest.Text), Is.EquivalentTo(new[] { "Ingress", "Egress" }));

            // The Executor asks the Result Processor for repository tokens over RabbitMQ (ADR-008): no rule to its pod.
            Assert.That(Rules(spec, "egress", "to"), Is.EquivalentTo(ExpectedEgress()));
            Assert.That(PublicRangeExcepts(spec), Is.SupersetOf(new[] { "169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8" }));
            Assert.That(File.ReadAllText(policy.File), Does.Contain("Executor:Egress:AllowedHosts"), "the comment names the proxy's allowlist");
        });
    }

    [Test]
    public void Should_let_only_the_pods_that_wait_for_the_executor_reach_its_http_port()
    {
        var spec = Manifest.Map(Single("NetworkPolicy", ResourceNames.Executor).Root, "spec");
        var container = Manifest.Sequence(Single("Deployment", ResourceNames.Executor).Root, "spec", "template", "spec", "containers").Single();
        var http = Manifest.Text(Manifest.Sequence(container, "ports").Single(port => Manifest.Text(port, "name") == "http"), "containerPort");

        // The gateway's init container waits for the Executor's Service; the kubelet's probes are never subject to a policy.
        Assert.That(Rules(spec, "ingress", "from"), Is.EqualTo(new[] { $"{PodsOf(ResourceNames.IngressGateway)} -> TCP/{http}" }));
    }

    [Test]
    public void Should_let_the_command_dispatcher_reach_only_dns_its_broker_its_database_and_https_outside_private_ranges()
    {
        var spec = Manifest.Map(Single("NetworkPolicy", ResourceNames.CommandDispatcher).Root, "spec");
        Assert.Multiple(() =>
        {
            Assert.That(Manifest.Map(spec, "podSelector", "matchLabels").Children.Select(Pair), Is.EqualTo(PodSelectorOf(ResourceNames.CommandDispatcher)));
            Assert.That(Manifest.SequenceOf(spec, "policyTypes").Select(Manifest.Text), Is.EqualTo(new[] { "Egress" }));
            Assert.That(Rules(spec, "egress", "to"), Is.EquivalentTo(ExpectedEgress()));
            Assert.That(PublicRangeExcepts(spec), Is.SupersetOf(new[] { "169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8" }));
        });
    }

    [Test]
    public void Should_name_each_service_for_opentelemetry()
    {
        Assert.Multiple(() =>
        {
            foreach (var name in ResourceNames.Services)
            {
                var container = Manifest.Sequence(Single("Deployment", name).Root, "spec", "template", "spec", "containers").Single();
                Assert.That(EnvironmentOf(container)["OTEL_SERVICE_NAME"].Value, Is.EqualTo(name));
            }
        });
    }

    [Test]
    public void Should_point_references_to_other_services_at_their_kubernetes_service()
    {
        // The model's WithReference(project): the local run passes http://localhost:<port>, the cluster the Service's name.
        (string Name, string Target)[] references = [(ResourceNames.IngressGateway, ResourceNames.ResultProcessor)];
        Assert.Multiple(() =>
        {
            foreach (var (name, target) in references)
            {
                var container = Manifest.Sequence(Single("Deployment", name).Root, "spec", "template", "spec", "containers").Single();
                Assert.That(EnvironmentOf(container)[$"services__{target}__http__0"].Value, Is.EqualTo($"http://{target}:8080"), name);
            }

            var unreferenced = ResourceNames.Services.Except(references.Select(reference => reference.Name));
            foreach (var name in unreferenced)
            {
                var container = Manifest.Sequence(Single("Deployment", name).Root, "spec", "template", "spec", "containers").Single();
                Assert.That(EnvironmentOf(container).Keys, Has.None.StartsWith("services__"), name);
            }
        });
    }

    [Test]
    public async Task Should_be_accepted_by_kubectl_kustomize()
    {
        if (ChildProcessStartInfo.FindExecutable("kubectl") is not { } kubectl)
        {
            Assert.Ignore("kubectl is not installed here (CI does not install it): the manifests were checked with YamlDotNet only.");
            return;
        }

        var (exitCode, output) = await RunAsync(kubectl, ["kustomize", _output]);
        Assert.That(exitCode, Is.Zero, output);
        var kinds = new YamlStream();
        kinds.Load(new StringReader(output));
        var objects = kinds.Documents.Select(document => (YamlMappingNode)document.RootNode).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(objects.Count(o => Manifest.Text(o, "kind") == "Deployment"), Is.EqualTo(ResourceNames.Services.Count));
            Assert.That(objects.Count(o => Manifest.Text(o, "kind") == "StatefulSet"), Is.EqualTo(2));
            Assert.That(objects.Count(o => Manifest.Text(o, "kind") == "Secret"), Is.EqualTo(1));
            Assert.That(objects.Count(o => Manifest.Text(o, "kind") == "Namespace"), Is.EqualTo(1));
            Assert.That(objects.Count(o => Manifest.Text(o, "kind") == "NetworkPolicy"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Should_write_identical_bytes_on_every_run_and_no_secret_of_the_configuration()
    {
        var secrets = new Dictionary<string, string?>
        {
            ["GitHub__Webhooks__Secrets__0"] = $"webhook-{Guid.NewGuid():N}",
            ["GitHub__Api__App__PrivateKey"] = $"private-key-{Guid.NewGuid():N}",
            ["Inbox__OperatorApiKey"] = $"operator-{Guid.NewGuid():N}",
            ["Llm__ApiKey"] = $"llm-{Guid.NewGuid():N}",
            [$"ConnectionStrings__{ResourceNames.Database}"] = $"{TestEnvironment.Postgres.GetConnectionString("agentic")};Password=pg-{Guid.NewGuid():N}",
            [$"ConnectionStrings__{ResourceNames.Messaging}"] = TestEnvironment.RabbitMq.ConnectionString,
        };
        var first = Path.Combine(TestEnvironment.Root, $"k8s-first-{Guid.NewGuid():N}"[..18]);
        var second = Path.Combine(TestEnvironment.Root, $"k8s-second-{Guid.NewGuid():N}"[..19]);

        var (firstExit, firstOutput) = await RunAppHostAsync(["publish", "--output", first, "--namespace", "agentic-test", "--image-registry", "registry.local:5000/acme", "--image-tag", "1.2.3"], secrets);
        var (secondExit, secondOutput) = await RunAppHostAsync(["publish", "--output", second, "--namespace", "agentic-test", "--image-registry", "registry.local:5000/acme", "--image-tag", "1.2.3"], secrets);
        Assert.That((firstExit, secondExit), Is.EqualTo((0, 0)), firstOutput + secondOutput);

        var leaks = secrets.Values.OfType<string>().Concat(DevelopmentSecrets()).ToList();
        Assert.That(leaks, Is.Not.Empty);
        var files = Directory.GetFiles(first).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(second).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(files));
            foreach (var file in files)
            {
                var bytes = File.ReadAllBytes(Path.Combine(first, file!));
                Assert.That(File.ReadAllBytes(Path.Combine(second, file!)), Is.EqualTo(bytes), $"{file} differs between two runs");
                var text = File.ReadAllText(Path.Combine(first, file!));
                foreach (var leak in leaks)
                {
                    Assert.That(text, Does.Not.Contain(leak), $"{file} holds a secret of this machine's configuration");
                }
            }

            Assert.That(File.ReadAllText(Path.Combine(first, "executor.yaml")), Does.Contain("image: registry.local:5000/acme/agentic-executor:1.2.3"));
            Assert.That(File.ReadAllText(Path.Combine(first, "kustomization.yaml")), Does.Contain("namespace: agentic-test"));
        });
    }

    [TestCase(new[] { "publish" }, "Option '--output' is required.")]
    [TestCase(new[] { "publish", "--output" }, "Required argument missing for option: '--output'.")]
    [TestCase(new[] { "publish", "--output", "out", "--namespace", "Not_A_Namespace" }, "--namespace needs a Kubernetes namespace name")]
    [TestCase(new[] { "publish", "--output", "out", "--image-tag", "bad tag" }, "--image-tag needs an image tag")]
    [TestCase(new[] { "publish", "--output", "out", "--image-tag", ".bad" }, "--image-tag needs an image tag")]
    [TestCase(new[] { "publish", "--output", "out", "--image-registry", "https://ghcr.io/acme" }, "--image-registry needs an image prefix")]
    [TestCase(new[] { "publish", "--output", "out", "--dashboard-port", "1" }, "Unrecognized command or argument '--dashboard-port'.")]
    [TestCase(new[] { "--dashboard-port", "1", "publish", "--output", "out" }, "--dashboard-port applies to running the system here, not to 'publish'.")]
    [TestCase(new[] { "--output", "out" }, "Unrecognized command or argument '--output'.")]
    [TestCase(new[] { "publish", "--output", "out", "--replicas", "2" }, "Unrecognized command or argument '--replicas'.")]
    public async Task Should_exit_with_code_2_and_say_what_is_wrong_with_the_publish_arguments(string[] arguments, string message)
    {
        var (exitCode, output) = await RunAppHostAsync(arguments);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2), output);
            Assert.That(output.Split('\n'), Has.Exactly(1).StartsWith(message), "one line names the mistake: " + output);
            Assert.That(output, Does.Contain("Usage:"), "followed by the help");
            Assert.That(Directory.Exists(Path.Combine(TestEnvironment.Root, "out")), Is.False, "nothing written");
        });
    }

    [Test]
    public async Task Should_list_the_publish_options_with_their_defaults_in_the_help()
    {
        var (exitCode, output) = await RunAppHostAsync(["publish", "--help"]);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("--output <dir> (REQUIRED)").And.Contain("kubectl apply -k <dir>"));
            Assert.That(output, Does.Match(@"--namespace <name>\s+Kubernetes namespace \[default: agentic\]"));
            Assert.That(output, Does.Match(@"--image-tag <tag>\s+Image tag \[default: latest\]"));
            Assert.That(output, Does.Contain("--image-registry <prefix>").And.Not.Contain("--dashboard-port"));
        });
    }

    [Test]
    public async Task Should_apply_the_migrations_with_the_migrator_the_init_containers_run()
    {
        var connectionString = await TestEnvironment.CreateDatabaseAsync("k8s_migrate");
        var environment = new Dictionary<string, string?> { [$"ConnectionStrings__{ResourceNames.Database}"] = connectionString };

        var (firstExit, firstOutput) = await RunMigratorAsync(environment);
        var (secondExit, secondOutput) = await RunMigratorAsync(environment);
        var (missingExit, missingOutput) = await RunMigratorAsync(new Dictionary<string, string?> { [$"ConnectionStrings__{ResourceNames.Database}"] = null });

        Assert.That(firstExit, Is.Zero, firstOutput);
        await using var connection = new NpgsqlConnection(connectionString);
        var applied = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations");
        Assert.Multiple(() =>
        {
            Assert.That(applied, Is.EqualTo(DatabaseMigrator.EmbeddedScripts.Count));
            Assert.That(secondExit, Is.Zero, "a second pod finds nothing to do: " + secondOutput);
            Assert.That(missingExit, Is.EqualTo(1));
            Assert.That(missingOutput, Does.Contain("ConnectionStrings__agentic is not set"));
        });
    }

    private Manifest Single(string kind, string name) => _manifests.Single(manifest => manifest.Kind == kind && manifest.Name == name);

    private YamlMappingNode GatewayContainer() =>
        Manifest.Sequence(Single("Deployment", ResourceNames.IngressGateway).Root, "spec", "template", "spec", "containers").Single();

    /// <summary>A workload's Deployment selector, checked to be among its pod template's labels: what a policy must select.</summary>
    private List<(string, string)> PodSelectorOf(string name)
    {
        var spec = Manifest.Map(Single("Deployment", name).Root, "spec");
        var selector = Manifest.Map(spec, "selector", "matchLabels").Children.Select(Pair).ToList();
        Assert.That(selector, Is.Not.Empty.And.SubsetOf(Manifest.Map(spec, "template", "metadata", "labels").Children.Select(Pair)), name);
        return selector;
    }

    /// <summary>The pods of a Deployment or StatefulSet as <see cref="Rules"/> writes a peer selecting them.</summary>
    private string PodsOf(string name)
    {
        var workload = _manifests.Single(manifest => manifest.Kind is "Deployment" or "StatefulSet" && manifest.Name == name);
        return $"pods {LabelsText(Manifest.Map(workload.Root, "spec", "selector", "matchLabels"))}";
    }

    /// <summary>A StatefulSet's container port, which a policy's port must name (policies see the pod, not the Service).</summary>
    private string ContainerPortOf(string statefulSet, string portName)
    {
        var container = Manifest.Sequence(Single("StatefulSet", statefulSet).Root, "spec", "template", "spec", "containers").Single();
        return Manifest.Text(Manifest.Sequence(container, "ports").Single(port => Manifest.Text(port, "name") == portName), "containerPort");
    }

    /// <summary>DNS, the broker's AMQP port, PostgreSQL, and HTTPS anywhere but the private, metadata and loopback ranges.</summary>
    private string[] ExpectedEgress() =>
    [
        "namespace kubernetes.io/metadata.name=kube-system pods k8s-app=kube-dns -> UDP/53, TCP/53",
        $"{PodsOf(ResourceNames.Postgres)} -> TCP/{ContainerPortOf(ResourceNames.Postgres, "postgres")}",
        $"{PodsOf(ResourceNames.Messaging)} -> TCP/{ContainerPortOf(ResourceNames.Messaging, "amqp")}",
        "0.0.0.0/0 except 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.168.0.0/16 -> TCP/443",
    ];

    private static List<string> PublicRangeExcepts(YamlMappingNode spec) =>
        [.. Manifest.Sequence(spec, "egress")
            .SelectMany(rule => Manifest.Sequence(rule, "to"))
            .Where(peer => Manifest.Find(peer, "ipBlock") is not null)
            .SelectMany(peer => Manifest.SequenceOf(peer, "ipBlock", "except").Select(Manifest.Text))];

    /// <summary>Each rule of a policy as "peer; peer -> PROTOCOL/port, …"; pods by their matchLabels, address blocks with their sorted exceptions.</summary>
    private static List<string> Rules(YamlMappingNode spec, string direction, string peers) =>
        [.. Manifest.Sequence(spec, direction).Select(rule =>
            string.Join("; ", Manifest.Sequence(rule, peers).Select(Peer)) + " -> " +
            string.Join(", ", Manifest.Sequence(rule, "ports").Select(port => $"{Manifest.Text(port, "protocol")}/{Manifest.Text(port, "port")}")))];

    private static string Peer(YamlMappingNode peer)
    {
        if (Manifest.Find(peer, "ipBlock") is YamlMappingNode block)
        {
            return $"{Manifest.Text(block, "cidr")} except {string.Join(' ', Manifest.SequenceOf(block, "except").Select(Manifest.Text).Order(StringComparer.Ordinal))}";
        }

        var pods = $"pods {LabelsText(Manifest.Map(peer, "podSelector", "matchLabels"))}";
        return Manifest.Find(peer, "namespaceSelector") is YamlMappingNode namespaces ? $"namespace {LabelsText(Manifest.Map(namespaces, "matchLabels"))} {pods}" : pods;
    }

    private static string LabelsText(YamlMappingNode labels) => string.Join(',', labels.Children.Select(Pair).Select(pair => $"{pair.Item1}={pair.Item2}"));

    private static (string, string) Pair(KeyValuePair<YamlNode, YamlNode> entry) => (Manifest.Text(entry.Key), Manifest.Text(entry.Value));

    private static Dictionary<string, (string? Value, string? SecretName, string? SecretKey)> EnvironmentOf(YamlMappingNode container) =>
        Manifest.Sequence(container, "env").ToDictionary(
            variable => Manifest.Text(variable, "name"),
            variable => (
                Manifest.Find(variable, "value") is YamlScalarNode value ? value.Value : null,
                Manifest.Find(variable, "valueFrom") is YamlMappingNode from ? Manifest.Text(from, "secretKeyRef", "name") : null,
                Manifest.Find(variable, "valueFrom") is YamlMappingNode reference ? Manifest.Text(reference, "secretKeyRef", "key") : null));

    /// <summary>Every secret-looking string of the services' <c>appsettings.Development.json</c> (the local run's credentials).</summary>
    private static IEnumerable<string> DevelopmentSecrets()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(BuildInfo.RepositoryRoot, "services"), "appsettings.Development.json", SearchOption.AllDirectories))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var value in Strings(document.RootElement, name: string.Empty))
            {
                yield return value;
            }
        }

        static IEnumerable<string> Strings(JsonElement element, string name) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().SelectMany(property => Strings(property.Value, property.Name)),
            JsonValueKind.Array => element.EnumerateArray().SelectMany(item => Strings(item, name)),
            JsonValueKind.String when name.Contains("Secret", StringComparison.OrdinalIgnoreCase) || name.Contains("Key", StringComparison.OrdinalIgnoreCase)
                || name.Contains("Token", StringComparison.OrdinalIgnoreCase) || name.Contains("Password", StringComparison.OrdinalIgnoreCase) => [element.GetString()!],
            _ => [],
        };
    }

    /// <summary>The AppHost as a user runs it: <c>dotnet Agentic.AppHost.dll …</c>; exit code and every output line.</summary>
    private static Task<(int ExitCode, string Output)> RunAppHostAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        RunAsync(DotNetHost.Path, [AppHostProcess.AssemblyPath, .. arguments], environment);

    /// <summary>The migrator (AppHost/Migrator) as its image runs it.</summary>
    private static Task<(int ExitCode, string Output)> RunMigratorAsync(IReadOnlyDictionary<string, string?> environment) =>
        RunAsync(DotNetHost.Path, [Path.Combine(BuildInfo.RepositoryRoot, "AppHost", "Migrator", "bin", BuildInfo.Configuration, BuildInfo.TargetFramework, "Agentic.Migrator.dll")], environment);

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var lines = new ConcurrentQueue<string>();
        await using var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = Path.GetFileName(fileName),
            FileName = fileName,
            Arguments = arguments,
            WorkingDirectory = TestEnvironment.Root,
            Environment = environment ?? new Dictionary<string, string?>(),
            Output = lines.Enqueue,
        }, CancellationToken.None);
        var exited = await process.WaitForExitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.That(exited, Is.True, $"{fileName} {string.Join(' ', arguments)} did not finish within a minute");
        return (await process.Completion, string.Join('\n', lines));
    }

    /// <summary>One YAML document of the output, read back with YamlDotNet.</summary>
    private sealed record Manifest(string File, YamlMappingNode Root)
    {
        public string Kind => Text(Root, "kind");

        public string Name => Find(Root, "metadata") is YamlMappingNode metadata ? Text(metadata, "name") : Path.GetFileName(File);

        public static List<Manifest> LoadAll(string directory)
        {
            var manifests = new List<Manifest>();
            foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
            {
                var stream = new YamlStream();
                using (var reader = new StreamReader(file))
                {
                    stream.Load(reader);
                }

                manifests.AddRange(stream.Documents.Select(document => new Manifest(file, (YamlMappingNode)document.RootNode)));
            }

            return manifests;
        }

        public static YamlNode? Find(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public static YamlNode Get(YamlMappingNode node, params string[] path)
        {
            YamlNode current = node;
            foreach (var key in path)
            {
                current = Find((YamlMappingNode)current, key) ?? throw new KeyNotFoundException($"'{key}' of {string.Join('.', path)} is missing");
            }

            return current;
        }

        public static YamlMappingNode Map(YamlMappingNode node, params string[] path) => (YamlMappingNode)Get(node, path);

        /// <summary>The items of a sequence; none when the key is absent.</summary>
        public static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, params string[] path) =>
            SequenceOf(node, path).OfType<YamlMappingNode>();

        public static IEnumerable<YamlNode> SequenceOf(YamlMappingNode node, params string[] path)
        {
            try
            {
                return ((YamlSequenceNode)Get(node, path)).Children;
            }
            catch (KeyNotFoundException)
            {
                return [];
            }
        }

        public static string Text(YamlMappingNode node, params string[] path) => Text(Get(node, path));

        public static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

        public static IEnumerable<YamlNode> Descendants(YamlNode node) => node.AllNodes;
    }
}
