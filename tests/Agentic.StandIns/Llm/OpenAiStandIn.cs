using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.StandIns.Llm;

/// <summary>A request the stand-in received: the raw JSON body, the model, the messages' text and whether a bearer key came with it.</summary>
public sealed record OpenAiStandInRequest(string Body, string? Model, IReadOnlyList<string> Messages, string? Authorization);

/// <summary>A scripted answer: the assistant's content, or an HTTP error status.</summary>
public sealed record OpenAiScriptedReply(string Content, int? PromptTokens = null, int CompletionTokens = 50, int StatusCode = 200);

/// <summary>
/// An OpenAI-compatible chat completions server on loopback (<c>POST /v1/chat/completions</c>), answering with
/// scripted replies in order (then <see cref="DefaultReply"/>), with <c>usage</c> token counts, and recording every
/// request. Prompt tokens default to an estimate of the request's message text (a quarter of its characters).
/// </summary>
public sealed class OpenAiStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<OpenAiScriptedReply> _replies = new();
    private readonly ConcurrentQueue<OpenAiStandInRequest> _requests = new();
    private WebApplication? _app;
    private int _sequence;

    /// <summary>When set, requests without <c>Authorization: Bearer {ApiKey}</c> are answered 401.</summary>
    public string? ApiKey { get; init; }

    /// <summary>What is answered when no scripted reply is left.</summary>
    public OpenAiScriptedReply DefaultReply { get; set; } = new("""{"root_cause":"unknown","strategy":"escalate","confidence":0.1,"files":[]}""");

    /// <summary>The API root to configure clients with, e.g. <c>http://127.0.0.1:PORT/v1/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<OpenAiStandInRequest> Requests => [.. _requests];

    public void Enqueue(OpenAiScriptedReply reply) => _replies.Enqueue(reply);

    public void Enqueue(string content) => _replies.Enqueue(new OpenAiScriptedReply(content));

    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", (Delegate)HandleAsync);
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri($"{address.TrimEnd('/')}/v1/");
        return BaseUri;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var authorization = context.Request.Headers.Authorization.ToString();
        JsonNode? request;
        try
        {
            request = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "We could not parse the JSON body of your request.");
        }

        var messages = request?["messages"]?.AsArray().Select(m => m?["content"] is JsonValue v ? v.ToString() : m?["content"]?.ToJsonString() ?? "").ToList() ?? [];
        var model = request?["model"]?.GetValue<string>();
        _requests.Enqueue(new OpenAiStandInRequest(body, model, messages, string.IsNullOrEmpty(authorization) ? null : authorization));

        if (ApiKey is not null && authorization != $"Bearer {ApiKey}")
        {
            return Error(HttpStatusCode.Unauthorized, "invalid_request_error", "Incorrect API key provided.");
        }

        if (model is null || messages.Count == 0)
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "'model' and 'messages' are required.");
        }

        var reply = _replies.TryDequeue(out var scripted) ? scripted : DefaultReply;
        if (reply.StatusCode != 200)
        {
            return Error((HttpStatusCode)reply.StatusCode, "server_error", reply.Content);
        }

        var promptTokens = reply.PromptTokens ?? Math.Max(1, messages.Sum(m => m.Length) / 4);
        var response = new JsonObject
        {
            ["id"] = $"chatcmpl-standin-{Interlocked.Increment(ref _sequence)}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = reply.CompletionTokens,
                ["total_tokens"] = promptTokens + reply.CompletionTokens,
            },
            ["system_fingerprint"] = "fp_standin",
        };
        return Results.Text(response.ToJsonString(), "application/json");
    }

    private static IResult Error(HttpStatusCode status, string type, string message) =>
        Results.Text(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = null } }.ToJsonString(), "application/json", statusCode: (int)status);
}
