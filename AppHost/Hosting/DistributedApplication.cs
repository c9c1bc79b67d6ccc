using System.Net;
using System.Net.Sockets;
using Agentic.AppHost.Infrastructure;
using Agentic.AppHost.Orchestration;

namespace Agentic.AppHost.Hosting;

/// <summary>The built AppHost: dashboard plus orchestrator, run until Ctrl+C or SIGTERM (Aspire's <c>DistributedApplication</c>).</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AppHostArguments _arguments;
    private readonly AppHostOptions _options;
    private readonly StateDirectory _stateDirectory;

    internal DistributedApplication(WebApplication app, AppHostArguments arguments, AppHostOptions options, StateDirectory stateDirectory)
    {
        _app = app;
        _arguments = arguments;
        _options = options;
        _stateDirectory = stateDirectory;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(AppHostArguments.Parse(args));

    public static DistributedApplicationBuilder CreateBuilder(AppHostArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return new(arguments);
    }

    /// <summary>Runs until stopped; returns the process exit code (0 after a clean stop, 1 when infrastructure failed, 2 for bad arguments).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_arguments.ShowHelp)
        {
            await Console.Out.WriteLineAsync(AppHostArguments.Usage);
            return 0;
        }

        if (_arguments.Error is not null)
        {
            await Console.Error.WriteLineAsync(_arguments.Error + Environment.NewLine + Environment.NewLine + AppHostArguments.Usage);
            return 2;
        }

        var model = _app.Services.GetRequiredService<ApplicationModel>();
        try
        {
            // One line saying what to install, before anything starts.
            if (model.Resources.OfType<PostgresServerResource>().Any())
            {
                PostgresServer.FindBinDirectory();
            }

            if (model.Resources.OfType<RabbitMQServerResource>().Any())
            {
                RabbitMqServer.FindServerScript();
            }

            EnsureDashboardPortIsFree();
            _stateDirectory.Acquire();
            if (_options.Reset)
            {
                _stateDirectory.Reset();
            }
        }
        catch (Exception exception) when (exception is InfrastructureNotInstalledException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }

        // Ctrl+C / SIGINT must stop the AppHost (gracefully) however it was launched, even as a background job.
        if (OperatingSystem.IsLinux())
        {
            NativeMethods.RestoreDefaultDisposition(Signals.Interrupt);
        }

        // Where the credentials are (never their values): the operator needs the key, GitHub the webhook secret.
        // Only now: the console's first use installs .NET's signal handling, which the line above would undo.
        try
        {
            foreach (var line in _app.Services.GetRequiredService<LocalSecrets>().Describe())
            {
                await Console.Out.WriteLineAsync(line);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }

        // RunAsync disposes the host's services when it returns: take what is needed afterwards first.
        var orchestrator = _app.Services.GetRequiredService<Orchestrator>();
        try
        {
            await _app.RunAsync(cancellationToken);
        }
        catch (IOException exception) when (exception.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync(DashboardPortInUse());
            return 1;
        }

        return orchestrator.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _stateDirectory.Dispose();
    }

    private void EnsureDashboardPortIsFree()
    {
        if (_options.DashboardPort == 0)
        {
            return;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, _options.DashboardPort));
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(DashboardPortInUse(), exception);
        }
    }

    private string DashboardPortInUse() =>
        $"The dashboard port {_options.DashboardPort} is in use (another AppHost?): stop it, or choose another port with --dashboard-port.";
}
