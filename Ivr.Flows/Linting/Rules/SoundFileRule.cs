using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR302: every sound a flow plays (prompt locales and inline sounds) must exist under <see cref="LintOptions.SoundsRoot"/>.</summary>
internal sealed class SoundFileRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var root = context.Options.SoundsRoot;
        if (root is null) yield break;
        foreach (var (name, prompt) in context.Flow.Prompts ?? new Dictionary<string, Model.PromptDefinition>())
        {
            if (prompt?.Locales is null) continue;
            foreach (var (locale, variant) in prompt.Locales)
            {
                if (variant?.Sound is null || Exists(root, variant.Sound)) continue;
                yield return Missing(context, root, variant.Sound, WithSuffix(variant.Pointer, "/sound"), $"prompt '{name}' ({locale})");
            }
        }
        foreach (var (step, item, pointer) in context.PromptItems())
        {
            if (item.Name is not null || item.Sound is null || Exists(root, item.Sound)) continue;
            yield return Missing(context, root, item.Sound, WithSuffix(pointer, "/sound"), $"step '{step.Name}'");
        }
    }

    private static Diagnostic Missing(LintContext context, string root, string sound, string pointer, string owner) =>
        context.Report(DiagnosticCodes.SoundFileMissing, Severity.Error, pointer,
            $"Sound file '{sound}' of {owner} does not exist under '{root}'.",
            "check the path (relative to sounds/, e.g. en-US/welcome.wav) or add the file.");

    private static bool Exists(string root, string sound)
    {
        try
        {
            var full = Path.GetFullPath(Path.Combine(root, sound));
            var rootFull = Path.GetFullPath(root);
            // A path that climbs out of sounds/ is as good as missing: the host only serves files under it.
            return full.StartsWith(Path.TrimEndingDirectorySeparator(rootFull) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && File.Exists(full);
        }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static string WithSuffix(string pointer, string suffix) =>
        pointer.EndsWith(suffix, StringComparison.Ordinal) ? pointer : pointer + suffix;
}
