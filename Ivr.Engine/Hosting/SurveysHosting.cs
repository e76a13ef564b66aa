using Ivr.Engine.Calls;
using Ivr.Engine.Surveys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the surveys (<c>Surveys</c> section): the store, and the recorder that stores every call's survey when the call ends.</summary>
public static class SurveysHosting
{
    /// <summary>Adds the survey store (the callbacks' database) and the recorder on the call board.</summary>
    public static IServiceCollection AddIvrSurveys(this IServiceCollection services, EngineOptions options, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var surveys = new SurveysOptions();
        options.Source?.GetSection("Surveys").Bind(surveys);
        surveys.Validate();
        services.AddSingleton(surveys);
        services.AddSingleton(sp => new SurveyMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new SurveyStores(dataFolder, sp.GetRequiredService<TimeProvider>(), options.Storage.Provider, options.Storage.ConnectionString));
        services.AddSingleton(sp => new SurveyRecorder(sp.GetRequiredService<CallOps>().Board, sp.GetRequiredService<SurveyStores>().StoreAsync, surveys,
            sp.GetRequiredService<SurveyMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SurveyRecorder>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SurveyRecorder>());
        return services;
    }
}
