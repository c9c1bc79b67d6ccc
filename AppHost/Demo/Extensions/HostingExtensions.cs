using Agentic.Demo.Hosting;
using Agentic.Demo.Options;
using Agentic.Demo.Seeding;
using Agentic.ServiceDefaults.Options;

namespace Agentic.Demo.Extensions;

public static class HostingExtensions
{
    private const string DefaultUrl = "http://127.0.0.1:18090";

    public static IHostApplicationBuilder AddGitHubDemo(this IHostApplicationBuilder builder)
    {
        // As an Aspire project resource it is given ASPNETCORE_URLS; GitHubDemo:Url wins when set.
        var urls = builder.Configuration["ASPNETCORE_URLS"] ?? builder.Configuration["urls"];
        builder.Services.AddValidatedOptions<GitHubDemoOptions, GitHubDemoOptionsValidator>(GitHubDemoOptions.SectionName)
            .PostConfigure(options => options.Url ??= new Uri(urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrl));
        builder.Services.AddHttpClient(GitHubDemoService.GatewayClient, http => http.Timeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton<DemoProjectSeeder>();
        builder.Services.AddHostedService<GitHubDemoService>();
        return builder;
    }
}
