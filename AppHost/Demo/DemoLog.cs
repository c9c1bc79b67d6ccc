namespace Agentic.Demo;

internal static partial class DemoLog
{
    [LoggerMessage(1, LogLevel.Information, "Demo project: resolving prettier {Version} with npm against the registry (first run only)")]
    public static partial void Installing(ILogger logger, string version);

    [LoggerMessage(2, LogLevel.Information, "Demo project seeded: prettier {Version}, {Files} files, in {Seconds:0.0} s")]
    public static partial void Seeded(ILogger logger, string version, int files, double seconds);

    [LoggerMessage(3, LogLevel.Information, "Demo GitHub on {Url}: {Repository} pull request #{Number} (head {HeadSha}) failed its '{Check}' check; clone {CloneUrl}")]
    public static partial void Ready(ILogger logger, Uri url, string repository, int number, string headSha, string check, Uri cloneUrl);

    [LoggerMessage(4, LogLevel.Information, "Waiting for the gateway at {HealthUrl} before delivering the check_run webhook")]
    public static partial void WaitingForGateway(ILogger logger, Uri healthUrl);

    [LoggerMessage(5, LogLevel.Information, "check_run webhook delivered to {WebhookUrl} (delivery {DeliveryId}): {Status}")]
    public static partial void Delivered(ILogger logger, Uri webhookUrl, string deliveryId, int status);

    [LoggerMessage(6, LogLevel.Warning, "check_run webhook to {WebhookUrl} not accepted yet ({Reason}); retrying")]
    public static partial void DeliveryRetry(ILogger logger, Uri webhookUrl, string reason);

    [LoggerMessage(7, LogLevel.Error, "The gateway refused the demo's check_run webhook with {Status}: {Body}. Is GitHubDemo:WebhookSecret the gateway's GitHub__Webhooks__Secrets__0?")]
    public static partial void DeliveryRefused(ILogger logger, int status, string body);
}
