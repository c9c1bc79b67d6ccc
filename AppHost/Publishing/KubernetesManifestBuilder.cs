using System.Globalization;
using Agentic.ServiceDefaults;

namespace Agentic.AppHost.Publishing;

/// <summary>One file of the output: its name in the output folder and its YAML documents.</summary>
public sealed record ManifestFile(string Name, IReadOnlyList<YamlMap> Documents);

/// <summary>
/// Turns the application model into Kubernetes objects, the way the orchestrator turns it into processes: PostgreSQL
/// and RabbitMQ become StatefulSets with a volume claim, each project a Deployment and a Service; <c>WithReference</c>
/// becomes environment (connection strings from the Secret, <c>services__…</c> URLs naming Services),
/// <c>WaitFor</c> becomes init containers that wait for the dependency's Service (and run the database's migrations),
/// <c>WithHttpEndpoint</c> a container port, <c>WithEnvironment</c> an environment variable; a service that reaches outside
/// the cluster gets a NetworkPolicy allowing what its references and waits need. What the model does not say (sizes,
/// which service is public, the sandbox, which services are confined, credentials) comes from <see cref="WorkloadProfile"/> and
/// <see cref="DeploymentSecrets"/>. See ADR-007.
/// </summary>
public sealed class KubernetesManifestBuilder(ApplicationModel model, KubernetesPublishOptions options)
{
    public const string KustomizationFile = "kustomization.yaml";
    public const string NamespaceFile = "namespace.yaml";
    public const string SecretFile = "secret.yaml";
    public const string SecretName = "agentic-secrets";

    /// <summary>The first HTTP endpoint of every project (ASP.NET Core's <c>ASPNETCORE_HTTP_PORTS</c>); further ones count up.</summary>
    public const int HttpPort = 8080;

    public const int PostgresPort = 5432;
    public const int AmqpPort = 5672;
    public const int RabbitMqManagementPort = 15672;
    public const string PostgresImage = "postgres:16";
    public const string RabbitMqImage = "rabbitmq:3.13-management";
    public const string WaitImage = "busybox:1.36";

    /// <summary>What a confined service (<see cref="WorkloadProfile.ConfinedEgress"/>) may reach outside the cluster: HTTPS.</summary>
    public const int HttpsPort = 443;

    public const int DnsPort = 53;

    /// <summary>
    /// Taken out of the confined services' HTTPS egress: RFC 1918, link-local with the cloud metadata service
    /// (169.254.0.0/16), carrier-grade NAT (100.64.0.0/10, where some clusters put pods or nodes) and loopback.
    /// </summary>
    public static readonly IReadOnlyList<string> NonPublicRanges =
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8"];

    /// <summary><c>Executor:WorkspaceRoot</c> in the pod: mirrors and working copies on the <c>workspace</c> volume.</summary>
    public const string ExecutorWorkspace = "/var/lib/agentic-executor";

    /// <summary>The non-root user of the .NET images (<c>mcr.microsoft.com/dotnet/aspnet</c>: <c>app</c>).</summary>
    public const long DotNetUser = 1654;

    /// <summary>The <c>postgres</c> and <c>rabbitmq</c> users of the official images.</summary>
    public const long InfrastructureUser = 999;

    public const string LivenessPath = HealthEndpoints.Liveness;
    public const string ReadinessPath = HealthEndpoints.Readiness;

    private const string PostgresUserName = "postgres";

    /// <summary>The services' pools (<c>Database:MaxPoolSize</c>) add up to 172: the default 100 would refuse a burst.</summary>
    private static readonly string[] PostgresArguments = ["-c", "max_connections=200"];
    private const string RabbitMqUserName = "agentic";
    private const string PartOf = "agentic";

    private static readonly string[] DropAll = ["ALL"];
    private static readonly string[] ReadWriteOnce = ["ReadWriteOnce"];
    private static readonly string[] IngressAndEgress = ["Ingress", "Egress"];
    private static readonly string[] EgressOnly = ["Egress"];

    public IReadOnlyList<ManifestFile> Build()
    {
        Validate();
        var files = new List<ManifestFile>
        {
            new(NamespaceFile, [Namespace()]),
            new(SecretFile, [Secret()]),
        };
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case PostgresServerResource postgres:
                    files.Add(new($"{postgres.Name}.yaml", [Service(postgres, [("postgres", PostgresPort)]), Postgres(postgres)]));
                    break;
                case PostgresDatabaseResource:
                    // Created by its server's container (POSTGRES_DB); migrated by the init containers of whoever waits for it.
                    break;
                case RabbitMQServerResource rabbitMq:
                    files.Add(new($"{rabbitMq.Name}.yaml", [Service(rabbitMq, [("amqp", AmqpPort), ("management", RabbitMqManagementPort)]), RabbitMq(rabbitMq)]));
                    break;
                case ProjectResource project:
                    files.Add(new($"{project.Name}.yaml", Project(project)));
                    break;
                default:
                    throw new InvalidOperationException($"{resource} has no Kubernetes form yet: teach {nameof(KubernetesManifestBuilder)} about it.");
            }
        }

        files.Add(new(KustomizationFile, [Kustomization(files)]));
        return files;
    }

    private void Validate()
    {
        var reserved = new[] { NamespaceFile, SecretFile, KustomizationFile }.Select(Path.GetFileNameWithoutExtension);
        foreach (var resource in model.Resources)
        {
            if (!KubernetesPublishOptions.KubernetesName().IsMatch(resource.Name) || reserved.Contains(resource.Name, StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The resource name '{resource.Name}' cannot name a Kubernetes Service (lowercase letters, digits and '-', starting with a letter, at most 63 characters; not namespace, secret or kustomization).");
            }

            foreach (var wait in resource.Annotations.OfType<WaitAnnotation>().Where(wait => !model.Resources.Contains(wait.Target)))
            {
                throw new InvalidOperationException($"{resource.Name} waits for {wait.Target.Name}, which is not in the model.");
            }
        }

        foreach (var server in model.Resources.OfType<PostgresServerResource>().Where(server => server.Databases.Count > 1))
        {
            throw new InvalidOperationException($"{server.Name} has {server.Databases.Count} databases; the PostgreSQL StatefulSet creates one (POSTGRES_DB).");
        }

    }

    private YamlMap Namespace() => new()
    {
        { "apiVersion", "v1" },
        { "kind", "Namespace" },
        {
            "metadata", new YamlMap
            {
                { "name", options.Namespace },
                {
                    "labels", new YamlMap
                    {
                        { "app.kubernetes.io/part-of", PartOf },
                        { "app.kubernetes.io/managed-by", "agentic-apphost" },
                        {
                            "pod-security.kubernetes.io/enforce", "privileged",
                            "The Executor's sandbox needs user namespaces, an unmasked /proc and no seccomp/AppArmor filter\n" +
                            "(see executor.yaml), which Pod Security 'baseline' refuses; every other pod meets 'restricted'."
                        },
                    }
                },
            }
        },
    };

    private YamlMap Secret()
    {
        var data = new YamlMap();
        var referenced = model.Resources.SelectMany(resource => resource.Annotations.OfType<ConnectionStringReferenceAnnotation>())
            .Select(reference => reference.Target)
            .Distinct()
            .OrderBy(target => IndexOf(target));
        foreach (var target in referenced)
        {
            data.Add(ConnectionStringKey(target), ConnectionStringPlaceholder(target));
        }

        var servers = model.Resources.Where(resource => resource is PostgresServerResource or RabbitMQServerResource).Select(PasswordKey).ToList();
        foreach (var password in servers)
        {
            data.Add(password, DeploymentSecrets.Placeholder);
        }

        var projects = model.Resources.OfType<ProjectResource>().Select(project => project.Name).ToHashSet(StringComparer.Ordinal);
        var used = DeploymentSecrets.All.Where(secret => secret.Services.Any(projects.Contains)).ToList();
        foreach (var secret in used.Where(secret => secret.Placeholder is not null))
        {
            data.Add(secret.Key, secret.Placeholder);
        }

        var comment = new List<string>
        {
            $"Replace every {DeploymentSecrets.Placeholder} before applying (or manage this Secret elsewhere: sealed-secrets, external-secrets,",
            "a kustomize secretGenerator).",
        };
        if (servers.Count > 0)
        {
            comment.Add($"The passwords in the connection strings must equal {string.Join(" and ", servers)}: the servers start with those.");
        }

        if (used.Any(secret => secret.Key.StartsWith("GitHub__Api__App__", StringComparison.Ordinal)))
        {
            comment.Add("GitHub__Api__App__*: delete both keys to run without GitHub (the services then say what they could not fetch).");
        }

        var optional = used.Where(secret => secret.Placeholder is null).ToList();
        if (optional.Count > 0)
        {
            comment.Add("Read when present; add them here to enable them:");
            comment.AddRange(optional.Select(secret => $"  {secret.Key} ({string.Join(", ", secret.Services.Where(projects.Contains))})"));
        }

        return new YamlMap
        {
            { "apiVersion", "v1" },
            { "kind", "Secret" },
            { "metadata", Metadata(SecretName, labels: CommonLabels()) },
            { "type", "Opaque" },
            { "stringData", data, string.Join('\n', comment) },
        };
    }

    private YamlMap Postgres(PostgresServerResource server)
    {
        var database = server.Databases.FirstOrDefault();
        string[] ready = database is null
            ? ["pg_isready", "-h", "127.0.0.1", "-p", Invariant(PostgresPort), "-U", PostgresUserName]
            : ["pg_isready", "-h", "127.0.0.1", "-p", Invariant(PostgresPort), "-U", PostgresUserName, "-d", database.DatabaseName];
        var environment = new List<YamlMap>
        {
            EnvValue("POSTGRES_USER", PostgresUserName),
            EnvSecret("POSTGRES_PASSWORD", PasswordKey(server), optional: false),
        };
        if (database is not null)
        {
            environment.Add(EnvValue("POSTGRES_DB", database.DatabaseName));
        }

        // A folder below the volume's root, which may hold lost+found.
        environment.Add(EnvValue("PGDATA", "/var/lib/postgresql/data/pgdata"));
        var container = new YamlMap
        {
            { "name", "postgres" },
            { "image", PostgresImage },
            { "imagePullPolicy", "IfNotPresent" },
            { "args", PostgresArguments },
            { "ports", new[] { ContainerPort("postgres", PostgresPort) } },
            { "env", environment },
            { "startupProbe", ExecProbe(ready, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 90) },
            { "readinessProbe", ExecProbe(ready, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3) },
            { "livenessProbe", ExecProbe(ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6) },
            { "resources", Resources("250m", "512Mi", "2", "2Gi") },
            { "securityContext", ContainerSecurity(readOnlyRootFilesystem: true) },
            {
                "volumeMounts", new[]
                {
                    VolumeMount("data", "/var/lib/postgresql/data"),
                    VolumeMount("run", "/var/run/postgresql"),
                    VolumeMount("tmp", "/tmp"),
                }
            },
        };
        return StatefulSet(server, container, volumes: [EmptyDir("run", null), EmptyDir("tmp", null)], storage: "10Gi");
    }

    private YamlMap RabbitMq(RabbitMQServerResource server)
    {
        string[] ping = ["rabbitmq-diagnostics", "-q", "ping"];
        var container = new YamlMap
        {
            { "name", "rabbitmq" },
            { "image", RabbitMqImage },
            { "imagePullPolicy", "IfNotPresent" },
            { "ports", new[] { ContainerPort("amqp", AmqpPort), ContainerPort("management", RabbitMqManagementPort) } },
            {
                "env", new[]
                {
                    EnvValue("RABBITMQ_DEFAULT_USER", RabbitMqUserName),
                    EnvSecret("RABBITMQ_DEFAULT_PASS", PasswordKey(server), optional: false),
                }
            },
            { "startupProbe", ExecProbe(ping, periodSeconds: 5, timeoutSeconds: 15, failureThreshold: 60) },
            { "readinessProbe", ExecProbe(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 3) },
            { "livenessProbe", ExecProbe(ping, periodSeconds: 30, timeoutSeconds: 15, failureThreshold: 4) },
            { "resources", Resources("250m", "512Mi", "2", "1Gi") },
            {
                "securityContext", ContainerSecurity(readOnlyRootFilesystem: false),
                "Writable root file system: the image is not verified to start read-only (it may write under /etc/rabbitmq)."
            },
            { "volumeMounts", new[] { VolumeMount("data", "/var/lib/rabbitmq") } },
        };
        return StatefulSet(server, container, volumes: [], storage: "5Gi");
    }

    private YamlMap StatefulSet(IResource resource, YamlMap container, IReadOnlyList<YamlMap> volumes, string storage) => new()
    {
        { "apiVersion", "apps/v1" },
        { "kind", "StatefulSet" },
        { "metadata", Metadata(resource.Name, Labels(resource)) },
        {
            "spec", new YamlMap
            {
                { "serviceName", resource.Name },
                { "replicas", 1 },
                { "selector", new YamlMap { { "matchLabels", SelectorLabels(resource) } } },
                {
                    "template", new YamlMap
                    {
                        { "metadata", new YamlMap { { "labels", Labels(resource) } } },
                        { "spec", PodSpec(resource, InfrastructureUser, container, volumes, hostUsers: null, terminationGracePeriodSeconds: 60) },
                    }
                },
                {
                    "volumeClaimTemplates", new[]
                    {
                        new YamlMap
                        {
                            { "metadata", new YamlMap { { "name", "data" } } },
                            {
                                "spec", new YamlMap
                                {
                                    { "accessModes", ReadWriteOnce },
                                    { "resources", new YamlMap { { "requests", new YamlMap { { "storage", storage } } } } },
                                }
                            },
                        },
                    }
                },
            }
        },
    };

    private List<YamlMap> Project(ProjectResource project)
    {
        var endpoints = Endpoints(project);
        var profile = WorkloadProfile.For(project.Name);
        var documents = new List<YamlMap>();
        if (endpoints.Count > 0)
        {
            documents.Add(Service(project, endpoints));
        }

        documents.Add(Deployment(project, endpoints, profile));
        if (profile.Exposed && endpoints.Count > 0)
        {
            documents.Add(Ingress(project, endpoints[0].Name));
        }

        if (profile.ConfinedEgress)
        {
            documents.Add(NetworkPolicy(project, endpoints, profile));
        }

        return documents;
    }

    private YamlMap Deployment(ProjectResource project, List<(string Name, int Port)> endpoints, WorkloadProfile profile)
    {
        var mounts = new List<YamlMap> { VolumeMount("tmp", "/tmp") };
        var volumes = new List<YamlMap> { EmptyDir("tmp", "1Gi") };
        if (profile.Sandbox)
        {
            mounts.Add(VolumeMount("workspace", ExecutorWorkspace));
            volumes.Add(EmptyDir("workspace", "20Gi"));
        }

        var container = new YamlMap
        {
            { "name", project.Name },
            { "image", options.ImageFor(project.Name) },
            { "imagePullPolicy", "IfNotPresent" },
            { "ports", endpoints.Count == 0 ? null : endpoints.Select(endpoint => ContainerPort(endpoint.Name, endpoint.Port)).ToList() },
            { "env", ProjectEnvironment(project, endpoints, profile) },
            { "resources", Resources(profile.CpuRequest, profile.MemoryRequest, profile.CpuLimit, profile.MemoryLimit) },
            { "startupProbe", endpoints.Count == 0 ? null : HttpProbe(LivenessPath, endpoints[0].Name, periodSeconds: 2, failureThreshold: 60) },
            { "livenessProbe", endpoints.Count == 0 ? null : HttpProbe(LivenessPath, endpoints[0].Name, periodSeconds: 10, failureThreshold: 3) },
            { "readinessProbe", endpoints.Count == 0 ? null : HttpProbe(ReadinessPath, endpoints[0].Name, periodSeconds: 5, failureThreshold: 3) },
            profile.Sandbox
                ? new YamlMap.Entry("securityContext", SandboxSecurity(), """
                    bubblewrap (ADR-005) builds each command's sandbox from unprivileged user namespaces: as this
                    non-root user it unshares user, mount, PID, IPC, UTS and network namespaces, then mounts a tmpfs,
                    bind mounts and a fresh /proc inside them. It needs no capability and no privilege escalation
                    (bwrap is not setuid), but the default filters refuse those calls:
                    - seccompProfile Unconfined: RuntimeDefault denies unshare/clone of namespaces, mount and
                      pivot_root without CAP_SYS_ADMIN (or use a Localhost profile that allows them);
                    - appArmorProfile Unconfined: the runtime's default profile denies mount;
                    - procMount Unmasked: the kernel refuses a new /proc while the runtime masks parts of the
                      container's /proc; Kubernetes allows it only with the pod's hostUsers: false.
                    The node must allow unprivileged user namespaces (user.max_user_namespaces > 0; on Ubuntu 23.10+
                    also kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile granting userns).
                    """)
                : new YamlMap.Entry("securityContext", ContainerSecurity(readOnlyRootFilesystem: true), null),
            { "volumeMounts", mounts },
        };
        return new YamlMap
        {
            { "apiVersion", "apps/v1" },
            { "kind", "Deployment" },
            { "metadata", Metadata(project.Name, Labels(project)) },
            {
                "spec", new YamlMap
                {
                    { "replicas", 1 },
                    { "revisionHistoryLimit", 3 },
                    { "selector", new YamlMap { { "matchLabels", SelectorLabels(project) } } },
                    {
                        "template", new YamlMap
                        {
                            { "metadata", new YamlMap { { "labels", Labels(project) } } },
                            {
                                "spec", PodSpec(project, DotNetUser, container, volumes, hostUsers: profile.Sandbox ? false : null,
                                    terminationGracePeriodSeconds: profile.Sandbox ? 60 : 30)
                            },
                        }
                    },
                }
            },
        };
    }

    private static List<YamlMap> ProjectEnvironment(ProjectResource project, List<(string Name, int Port)> endpoints, WorkloadProfile profile)
    {
        // In the order the local run sets them; a later setting of the same name replaces the earlier one in place.
        var environment = new List<(string Name, YamlMap Variable)>();
        void Set(YamlMap variable)
        {
            var name = (string)variable["name"]!;
            var index = environment.FindIndex(existing => string.Equals(existing.Name, name, StringComparison.Ordinal));
            if (index >= 0)
            {
                environment[index] = (name, variable);
            }
            else
            {
                environment.Add((name, variable));
            }
        }

        if (endpoints.Count > 0)
        {
            Set(EnvValue("ASPNETCORE_HTTP_PORTS", string.Join(';', endpoints.Select(endpoint => Invariant(endpoint.Port)))));
        }

        Set(EnvValue("DOTNET_ENVIRONMENT", "Production"));
        Set(EnvValue("ASPNETCORE_ENVIRONMENT", "Production"));
        Set(EnvValue("OTEL_SERVICE_NAME", project.Name));
        foreach (var reference in project.Annotations.OfType<ConnectionStringReferenceAnnotation>())
        {
            Set(EnvSecret(ConnectionStringKey(reference.Target), ConnectionStringKey(reference.Target), optional: false));
        }

        foreach (var reference in project.Annotations.OfType<ServiceReferenceAnnotation>())
        {
            var (endpoint, port) = Endpoints(reference.Target).FirstOrDefault();
            if (endpoint is null)
            {
                throw new InvalidOperationException($"{project.Name} references {reference.Target.Name}, which has no HTTP endpoint.");
            }

            Set(EnvValue($"services__{reference.Target.Name}__{endpoint}__0", $"http://{reference.Target.Name}:{Invariant(port)}"));
        }

        foreach (var secret in DeploymentSecrets.For(project.Name))
        {
            Set(EnvSecret(secret.Key, secret.Key, secret.Optional));
        }

        if (profile.Sandbox)
        {
            Set(EnvValue("Executor__WorkspaceRoot", ExecutorWorkspace));
        }

        foreach (var variable in project.Annotations.OfType<EnvironmentAnnotation>())
        {
            Set(EnvValue(variable.Name, variable.Value));
        }

        return environment.Select(entry => entry.Variable).ToList();
    }

    private YamlMap PodSpec(IResource resource, long user, YamlMap container, IReadOnlyList<YamlMap> volumes, bool? hostUsers, int terminationGracePeriodSeconds)
    {
        var initContainers = InitContainers(resource);
        var allVolumes = volumes.ToList();
        if (initContainers.Exists(init => init["volumeMounts"] is not null))
        {
            allVolumes.Add(EmptyDir("init-tmp", "64Mi"));
        }

        return new YamlMap
        {
            { "automountServiceAccountToken", false },
            { "enableServiceLinks", false },
            {
                "hostUsers", hostUsers,
                "Its own user namespace: root-like powers inside the pod map to an unprivileged host user, which is what\n" +
                "makes procMount: Unmasked acceptable (Kubernetes 1.33+, or UserNamespacesSupport, and a runtime with idmap mounts)."
            },
            {
                "securityContext", new YamlMap
                {
                    { "runAsNonRoot", true },
                    { "runAsUser", user },
                    { "runAsGroup", user },
                    { "fsGroup", user },
                    { "seccompProfile", new YamlMap { { "type", "RuntimeDefault" } } },
                }
            },
            { "terminationGracePeriodSeconds", terminationGracePeriodSeconds },
            {
                "initContainers", initContainers.Count == 0 ? null : initContainers,
                "WaitFor in the model: start once each dependency's Service accepts connections (it does once a pod is\n" +
                "ready), and once the database is migrated, as the local run does."
            },
            { "containers", new[] { container } },
            { "volumes", allVolumes.Count == 0 ? null : allVolumes },
        };
    }

    private List<YamlMap> InitContainers(IResource resource)
    {
        var containers = new List<YamlMap>();
        foreach (var target in resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Target).Distinct())
        {
            switch (target)
            {
                case PostgresDatabaseResource database:
                    containers.Add(WaitContainer(database.Name, database.Server.Name, PostgresPort));
                    foreach (var initializer in database.Annotations.OfType<DeploymentInitializerAnnotation>())
                    {
                        containers.Add(InitializerContainer(database, initializer));
                    }

                    break;
                case PostgresServerResource server:
                    containers.Add(WaitContainer(server.Name, server.Name, PostgresPort));
                    break;
                case RabbitMQServerResource server:
                    containers.Add(WaitContainer(server.Name, server.Name, AmqpPort));
                    break;
                case ProjectResource project when Endpoints(project) is [var (_, port), ..]:
                    containers.Add(WaitContainer(project.Name, project.Name, port));
                    break;
                default:
                    throw new InvalidOperationException($"{resource.Name} waits for {target}, which has no Kubernetes Service to wait for.");
            }
        }

        return containers;
    }

    private static YamlMap WaitContainer(string target, string host, int port) => new()
    {
        { "name", $"wait-for-{target}" },
        { "image", WaitImage },
        { "imagePullPolicy", "IfNotPresent" },
        { "command", new[] { "sh", "-c", """until nc -z -w 2 "$0" "$1"; do echo "waiting for $0:$1"; sleep 2; done""", host, Invariant(port) } },
        { "resources", Resources("10m", "16Mi", "100m", "32Mi") },
        { "securityContext", ContainerSecurity(readOnlyRootFilesystem: true) },
    };

    private YamlMap InitializerContainer(PostgresDatabaseResource database, DeploymentInitializerAnnotation initializer) => new()
    {
        { "name", $"{initializer.Name}-{database.Name}" },
        { "image", options.ImageFor(initializer.Name) },
        { "imagePullPolicy", "IfNotPresent" },
        { "args", initializer.Arguments.Count == 0 ? null : initializer.Arguments },
        { "env", new[] { EnvSecret(ConnectionStringKey(database), ConnectionStringKey(database), optional: false) } },
        { "resources", Resources("50m", "128Mi", "500m", "256Mi") },
        { "securityContext", ContainerSecurity(readOnlyRootFilesystem: true) },
        { "volumeMounts", new[] { VolumeMount("init-tmp", "/tmp") } },
    };

    private YamlMap Service(IResource resource, IReadOnlyList<(string Name, int Port)> ports) => new()
    {
        { "apiVersion", "v1" },
        { "kind", "Service" },
        { "metadata", Metadata(resource.Name, Labels(resource)) },
        {
            "spec", new YamlMap
            {
                { "selector", SelectorLabels(resource) },
                {
                    "ports", ports.Select(port => new YamlMap
                    {
                        { "name", port.Name },
                        { "port", port.Port },
                        { "targetPort", port.Name },
                        { "protocol", "TCP" },
                    }).ToList()
                },
            }
        },
    };

    private YamlMap Ingress(ProjectResource project, string portName) => new()
    {
        { "apiVersion", "networking.k8s.io/v1" },
        { "kind", "Ingress" },
        { "metadata", Metadata(project.Name, Labels(project)) },
        {
            "spec", new YamlMap
            {
                {
                    "rules", new[]
                    {
                        new YamlMap
                        {
                            { "host", $"{project.Name}.change-me.example.com" },
                            {
                                "http", new YamlMap
                                {
                                    {
                                        "paths", new[]
                                        {
                                            new YamlMap
                                            {
                                                { "path", "/" },
                                                { "pathType", "Prefix" },
                                                {
                                                    "backend", new YamlMap
                                                    {
                                                        {
                                                            "service", new YamlMap
                                                            {
                                                                { "name", project.Name },
                                                                { "port", new YamlMap { { "name", portName } } },
                                                            }
                                                        },
                                                    }
                                                },
                                            },
                                        }
                                    },
                                }
                            },
                        },
                    },
                    $"""
                    {DeploymentSecrets.Placeholder}: the public host GitHub, Slack and Linear deliver webhooks to. Add
                    ingressClassName and tls (webhooks should arrive over HTTPS) for your cluster.
                    """
                },
            }
        },
    };

    /// <summary>
    /// Egress to DNS, to the pods of what the model says the service uses (<c>WithReference</c>, <c>WaitFor</c>: the
    /// init containers connect too) on the port it connects to, and to TCP 443 outside <see cref="NonPublicRanges"/>;
    /// for the sandbox also ingress, on its HTTP ports from the pods that wait for or reference it only.
    /// </summary>
    private YamlMap NetworkPolicy(ProjectResource project, List<(string Name, int Port)> endpoints, WorkloadProfile profile)
    {
        var egress = new List<YamlMap>
        {
            new()
            {
                {
                    "to", new[]
                    {
                        new YamlMap
                        {
                            { "namespaceSelector", new YamlMap { { "matchLabels", new YamlMap { { "kubernetes.io/metadata.name", "kube-system" } } } } },
                            { "podSelector", new YamlMap { { "matchLabels", new YamlMap { { "k8s-app", "kube-dns" } } } } },
                        },
                    }
                },
                { "ports", new[] { PolicyPort("UDP", DnsPort), PolicyPort("TCP", DnsPort) } },
            },
        };
        foreach (var (target, port) in Dependencies(project))
        {
            egress.Add(new YamlMap
            {
                { "to", new[] { PodPeer(target) } },
                { "ports", new[] { PolicyPort("TCP", port) } },
            });
        }

        egress.Add(new YamlMap
        {
            { "to", new[] { new YamlMap { { "ipBlock", new YamlMap { { "cidr", "0.0.0.0/0" }, { "except", NonPublicRanges } } } } } },
            { "ports", new[] { PolicyPort("TCP", HttpsPort) } },
        });

        var spec = new YamlMap
        {
            { "podSelector", new YamlMap { { "matchLabels", SelectorLabels(project) } } },
            { "policyTypes", profile.Sandbox ? IngressAndEgress : EgressOnly },
        };
        if (profile.Sandbox)
        {
            var callers = model.Resources
                .Where(resource => !ReferenceEquals(resource, project) && Dependencies(resource).Exists(dependency => ReferenceEquals(dependency.Target, project)))
                .Select(PodPeer)
                .ToList();
            var ingress = callers.Count == 0 || endpoints.Count == 0
                ? []
                : new List<YamlMap> { new() { { "from", callers }, { "ports", endpoints.Select(endpoint => PolicyPort("TCP", endpoint.Port)).ToList() } } };
            spec.Add("ingress", ingress, """
                Runs pull requests' code: only its HTTP port is reached, and only from the pods the model says connect to
                it (a WaitFor's init container). The kubelet's probes need no rule (traffic from the pod's own node is
                always allowed); add one for a metrics scraper.
                """);
        }

        var allowlist = profile.Sandbox
            ? "\nWhich registry hosts are reached is the egress proxy's allowlist inside the pod (Executor:Egress:AllowedHosts, ADR-011);\n" +
              "repository tokens come from the Result Processor over RabbitMQ (IssueRepositoryToken, ADR-008), not over HTTP."
            : string.Empty;
        spec.Add("egress", egress, $"""
            DNS (kube-dns in kube-system), what the model says {project.Name} uses (WithReference, WaitFor) on the port it
            connects to, and HTTPS to public addresses (package registries, GitHub, an LLM provider). The private ranges,
            the cloud metadata service (169.254.169.254) and loopback are excepted, so nothing else in the cluster or its
            network is reached; add the cluster's pod and service ranges if they lie elsewhere. IPv4 only.{allowlist}
            """);
        return new YamlMap
        {
            { "apiVersion", "networking.k8s.io/v1" },
            { "kind", "NetworkPolicy" },
            { "metadata", Metadata(project.Name, Labels(project)) },
            { "spec", spec },
        };
    }

    /// <summary>The pods a resource connects to, with the port: its references' and waits' targets, once each, in its annotations' order.</summary>
    private static List<(IResource Target, int Port)> Dependencies(IResource resource) =>
        resource.Annotations
            .Select(annotation => annotation switch
            {
                ConnectionStringReferenceAnnotation reference => reference.Target,
                ServiceReferenceAnnotation reference => reference.Target,
                WaitAnnotation wait => wait.Target,
                _ => null,
            })
            .OfType<IResource>()
            .Select(target => target switch
            {
                PostgresDatabaseResource database => ((IResource)database.Server, PostgresPort),
                PostgresServerResource server => (server, PostgresPort),
                RabbitMQServerResource server => (server, AmqpPort),
                ProjectResource project when Endpoints(project) is [var (_, port), ..] => (project, port),
                _ => throw new InvalidOperationException($"{resource.Name} connects to {target}, which has no port a NetworkPolicy can allow."),
            })
            .Distinct()
            .ToList();

    private static YamlMap PodPeer(IResource resource) => new() { { "podSelector", new YamlMap { { "matchLabels", SelectorLabels(resource) } } } };

    private static YamlMap PolicyPort(string protocol, int port) => new() { { "protocol", protocol }, { "port", port } };

    private YamlMap Kustomization(IEnumerable<ManifestFile> files) => new()
    {
        { "apiVersion", "kustomize.config.k8s.io/v1beta1" },
        { "kind", "Kustomization" },
        { "namespace", options.Namespace },
        { "resources", files.Select(file => file.Name).ToList() },
    };

    private YamlMap Metadata(string name, YamlMap labels) => new()
    {
        { "name", name },
        { "namespace", options.Namespace },
        { "labels", labels },
    };

    private static YamlMap CommonLabels() => new()
    {
        { "app.kubernetes.io/part-of", PartOf },
        { "app.kubernetes.io/managed-by", "agentic-apphost" },
    };

    private static YamlMap Labels(IResource resource) => new()
    {
        { "app.kubernetes.io/name", resource.Name },
        { "app.kubernetes.io/component", resource is ProjectResource ? "service" : resource.Type },
        { "app.kubernetes.io/part-of", PartOf },
        { "app.kubernetes.io/managed-by", "agentic-apphost" },
    };

    private static YamlMap SelectorLabels(IResource resource) => new()
    {
        { "app.kubernetes.io/name", resource.Name },
        { "app.kubernetes.io/part-of", PartOf },
    };

    private static YamlMap ContainerSecurity(bool readOnlyRootFilesystem) => new()
    {
        { "allowPrivilegeEscalation", false },
        { "readOnlyRootFilesystem", readOnlyRootFilesystem },
        { "runAsNonRoot", true },
        { "capabilities", new YamlMap { { "drop", DropAll } } },
    };

    private static YamlMap SandboxSecurity() => new()
    {
        { "allowPrivilegeEscalation", false },
        { "readOnlyRootFilesystem", true },
        { "runAsNonRoot", true },
        { "capabilities", new YamlMap { { "drop", DropAll } } },
        { "procMount", "Unmasked" },
        { "seccompProfile", new YamlMap { { "type", "Unconfined" } } },
        { "appArmorProfile", new YamlMap { { "type", "Unconfined" } } },
    };

    private static YamlMap Resources(string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit) => new()
    {
        { "requests", new YamlMap { { "cpu", cpuRequest }, { "memory", memoryRequest } } },
        { "limits", new YamlMap { { "cpu", cpuLimit }, { "memory", memoryLimit } } },
    };

    private static YamlMap HttpProbe(string path, string portName, int periodSeconds, int failureThreshold) => new()
    {
        { "httpGet", new YamlMap { { "path", path }, { "port", portName } } },
        { "periodSeconds", periodSeconds },
        { "timeoutSeconds", 3 },
        { "failureThreshold", failureThreshold },
    };

    private static YamlMap ExecProbe(IReadOnlyList<string> command, int periodSeconds, int timeoutSeconds, int failureThreshold) => new()
    {
        { "exec", new YamlMap { { "command", command } } },
        { "periodSeconds", periodSeconds },
        { "timeoutSeconds", timeoutSeconds },
        { "failureThreshold", failureThreshold },
    };

    private static YamlMap ContainerPort(string name, int port) => new()
    {
        { "name", name },
        { "containerPort", port },
        { "protocol", "TCP" },
    };

    private static YamlMap EnvValue(string name, string value) => new() { { "name", name }, { "value", value } };

    private static YamlMap EnvSecret(string name, string key, bool optional) => new()
    {
        { "name", name },
        {
            "valueFrom", new YamlMap
            {
                {
                    "secretKeyRef", new YamlMap
                    {
                        { "name", SecretName },
                        { "key", key },
                        { "optional", optional ? true : null },
                    }
                },
            }
        },
    };

    private static YamlMap VolumeMount(string name, string path) => new() { { "name", name }, { "mountPath", path } };

    private static YamlMap EmptyDir(string name, string? sizeLimit) => new()
    {
        { "name", name },
        { "emptyDir", sizeLimit is null ? new YamlMap() : new YamlMap { { "sizeLimit", sizeLimit } } },
    };

    /// <summary>The project's HTTP endpoints as container ports: 8080, 8081 ... in the order the model declares them.</summary>
    private static List<(string Name, int Port)> Endpoints(ProjectResource project) =>
        project.Annotations.OfType<EndpointAnnotation>().Select((endpoint, index) => (endpoint.Name, HttpPort + index)).ToList();

    public static string ConnectionStringKey(IResource resource) => $"ConnectionStrings__{resource.Name}";

    private static string PasswordKey(IResource server) => $"{server.Name}-password";

    private static string ConnectionStringPlaceholder(IResource resource) => resource switch
    {
        PostgresDatabaseResource database =>
            $"Host={database.Server.Name};Port={Invariant(PostgresPort)};Database={database.DatabaseName};Username={PostgresUserName};Password={DeploymentSecrets.Placeholder}",
        PostgresServerResource server =>
            $"Host={server.Name};Port={Invariant(PostgresPort)};Username={PostgresUserName};Password={DeploymentSecrets.Placeholder}",
        RabbitMQServerResource server =>
            $"amqp://{RabbitMqUserName}:{DeploymentSecrets.Placeholder}@{server.Name}:{Invariant(AmqpPort)}/",
        _ => throw new InvalidOperationException($"{resource} has no Kubernetes connection string yet."),
    };

    private int IndexOf(IResource resource)
    {
        for (var i = 0; i < model.Resources.Count; i++)
        {
            if (ReferenceEquals(model.Resources[i], resource))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
