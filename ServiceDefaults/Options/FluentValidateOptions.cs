using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agentic.ServiceDefaults.Options;

/// <summary>Runs a FluentValidation validator as an options validator, so bad configuration fails at start with every problem named.</summary>
public sealed class FluentValidateOptions<TOptions>(string? optionsName, IValidator<TOptions> validator) : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly string? _name = optionsName;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (_name is not null && _name != name)
        {
            return ValidateOptionsResult.Skip;
        }

        var result = validator.Validate(options);
        return result.IsValid
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(result.Errors.Select(e => $"{typeof(TOptions).Name}.{e.PropertyName}: {e.ErrorMessage}"));
    }
}

public static class OptionsRegistrationExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="sectionName"/> and validates it with <typeparamref name="TValidator"/> on start.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string sectionName)
        where TOptions : class
        where TValidator : class, IValidator<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new FluentValidateOptions<TOptions>(Microsoft.Extensions.Options.Options.DefaultName, new TValidator()));
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }
}
