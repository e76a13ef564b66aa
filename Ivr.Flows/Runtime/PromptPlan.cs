using System.Collections.ObjectModel;
using Ivr.Flows.Model;

namespace Ivr.Flows.Runtime;

/// <summary>A prompt reference resolved at compile time for every locale of the flow; only texts with
/// <c>{var}</c> are rendered per call.</summary>
internal sealed class PromptPlan
{
    private static readonly ReadOnlyCollection<ResolvedPrompt> None = Array.AsReadOnly(Array.Empty<ResolvedPrompt>());

    private readonly Item[][] _byLocale;
    private readonly ReadOnlyCollection<ResolvedPrompt>?[] _constant;

    private PromptPlan(Item[][] byLocale)
    {
        _byLocale = byLocale;
        _constant = new ReadOnlyCollection<ResolvedPrompt>?[byLocale.Length];
        for (var l = 0; l < byLocale.Length; l++)
        {
            if (byLocale[l].All(i => i.Text is null || i.Text.IsConstant))
            {
                _constant[l] = Array.AsReadOnly(byLocale[l]
                    .Select(i => new ResolvedPrompt(i.Name, i.Locale, i.Sound, i.Text?.Render([])))
                    .ToArray());
            }
        }
    }

    /// <summary>The empty list.</summary>
    public static IReadOnlyList<ResolvedPrompt> Empty => None;

    /// <summary>Resolves every item of <paramref name="reference"/> for every locale of the flow.</summary>
    public static PromptPlan Compile(PromptRef reference, FlowCompileContext ctx)
    {
        var byLocale = new Item[ctx.Languages.Count][];
        for (var l = 0; l < byLocale.Length; l++)
        {
            var locale = ctx.Languages[l];
            var items = new List<Item>();
            foreach (var item in reference.Items)
            {
                if (item.Name is not null)
                {
                    if (!ctx.Document.Prompts.TryGetValue(item.Name, out var def))
                    {
                        ctx.Error($"unknown prompt '{item.Name}'", item.Pointer.Length > 0 ? item.Pointer : reference.Pointer);
                        continue;
                    }
                    var (used, variant) = Pick(def, locale, ctx.Document.Language);
                    if (variant is null) continue;
                    items.Add(new Item(item.Name, used, variant.Sound, variant.Text is null ? null : Template.Parse(variant.Text, ctx.Variables)));
                }
                else
                {
                    items.Add(new Item(null, locale, item.Sound, item.Text is null ? null : Template.Parse(item.Text, ctx.Variables)));
                }
            }
            byLocale[l] = [.. items];
        }
        return new PromptPlan(byLocale);
    }

    /// <summary>Compiles an optional reference; null stays null.</summary>
    public static PromptPlan? CompileOptional(PromptRef? reference, FlowCompileContext ctx) =>
        reference is null ? null : Compile(reference, ctx);

    /// <summary>An inline text prompt, for defaults the format does not name.</summary>
    public static PromptPlan InlineText(string text, FlowCompileContext ctx) =>
        Compile(new PromptRef([PromptItem.InlineText(text)], string.Empty), ctx);

    /// <summary>The prompts for a locale index, with the call's variables.</summary>
    public IReadOnlyList<ResolvedPrompt> Resolve(int locale, string[] values)
    {
        var constant = _constant[locale];
        if (constant is not null) return constant;
        var items = _byLocale[locale];
        var result = new ResolvedPrompt[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var it = items[i];
            result[i] = new ResolvedPrompt(it.Name, it.Locale, it.Sound, it.Text?.Render(values));
        }
        return result;
    }

    /// <summary>Two lists played one after the other.</summary>
    public static IReadOnlyList<ResolvedPrompt> Concat(IReadOnlyList<ResolvedPrompt> first, IReadOnlyList<ResolvedPrompt> second)
    {
        if (first.Count == 0) return second;
        if (second.Count == 0) return first;
        var result = new ResolvedPrompt[first.Count + second.Count];
        for (var i = 0; i < first.Count; i++) result[i] = first[i];
        for (var i = 0; i < second.Count; i++) result[first.Count + i] = second[i];
        return result;
    }

    private static (string Locale, PromptVariant? Variant) Pick(PromptDefinition def, string locale, string fallback)
    {
        if (def.Locales.TryGetValue(locale, out var v)) return (locale, v);
        if (def.Locales.TryGetValue(fallback, out v)) return (fallback, v);
        foreach (var (l, any) in def.Locales) return (l, any);
        return (locale, null);
    }

    private sealed record Item(string? Name, string Locale, string? Sound, Template? Text);
}
