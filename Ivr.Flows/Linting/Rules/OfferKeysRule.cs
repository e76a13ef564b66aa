using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR206: the keys a queue offers (callback, message, stay) must differ for the options it offers.</summary>
internal sealed class OfferKeysRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            if (step is not QueueStep { Offer: { } offer }) continue;
            var pointer = LintContext.PointerOf(name, step) + "/offer/keys";
            var options = new List<(string Option, string? Key)>();
            if (offer.Callback) options.Add(("callback", offer.CallbackKey));
            if (offer.Message) options.Add(("message", offer.MessageKey));
            options.Add(("stay", offer.StayKey));
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (option, key) in options)
            {
                if (string.IsNullOrEmpty(key)) continue;
                if (seen.TryAdd(key, option)) continue;
                yield return context.Report(DiagnosticCodes.DuplicateDtmfKey, Severity.Error, JsonPointer.Append(pointer, option),
                    $"Queue '{name}' offers key '{key}' for both '{seen[key]}' and '{option}'.",
                    "give each offered option its own key.");
            }
        }
    }
}
