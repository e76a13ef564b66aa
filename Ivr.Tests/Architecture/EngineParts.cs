namespace Ivr.Tests.Architecture;

/// <summary>The parts of the engine (its top-level folders, which are namespaces) and the flow library, as the map names them.</summary>
internal static class EngineParts
{
    public const string Engine = "Ivr.Engine";
    public const string Sip = "Ivr.Engine.Sip";
    public const string Media = "Ivr.Engine.Media";
    public const string Calls = "Ivr.Engine.Calls";
    public const string Routing = "Ivr.Engine.Routing";
    public const string Speech = "Ivr.Engine.Speech";
    public const string Ops = "Ivr.Engine.Ops";
    public const string Hosting = "Ivr.Engine.Hosting";
    public const string Cli = "Ivr.Engine.Cli";
    public const string Demo = "Ivr.Engine.Demo";
    public const string EngineFlows = "Ivr.Engine.Flows";
    public const string Net = "Ivr.Engine.Net";
    public const string Metrics = "Ivr.Engine.Metrics";
    public const string Asterisk = "Ivr.Engine.Asterisk";
    public const string Integrations = "Ivr.Engine.Integrations";
    public const string Events = "Ivr.Engine.Events";
    public const string Contacts = "Ivr.Engine.Contacts";
    public const string Registrations = "Ivr.Engine.Registrations";
    public const string Surveys = "Ivr.Engine.Surveys";
    public const string FlowsLibrary = "Ivr.Flows";

    /// <summary>Every top-level folder of the engine.</summary>
    public static readonly string[] All = [Sip, Media, Calls, Routing, Speech, Ops, Hosting, Cli, Demo, EngineFlows, Net, Metrics, Asterisk, Integrations, Events, Contacts, Registrations, Surveys];

    /// <summary>The parts below <see cref="Hosting"/>: none of them may know how it is wired or what runs on top.</summary>
    public static readonly string[] BelowHosting = [Sip, Media, Calls, Routing, Speech, Ops, EngineFlows, Net, Metrics, Asterisk, Integrations, Events, Contacts, Registrations, Surveys];

    /// <summary>The part of a namespace: <c>Ivr.Engine.X</c> for anything under it, <c>Ivr.Flows</c> for the library, else null.</summary>
    public static string? Of(string? ns)
    {
        if (string.IsNullOrEmpty(ns)) return null;
        if (ns == FlowsLibrary || ns.StartsWith(FlowsLibrary + ".", StringComparison.Ordinal)) return FlowsLibrary;
        if (!ns.StartsWith(Engine + ".", StringComparison.Ordinal)) return null;
        var dot = ns.IndexOf('.', Engine.Length + 1);
        return dot < 0 ? ns : ns[..dot];
    }

    /// <summary>The short name the map uses (<c>Sip</c>, <c>Engine/Flows</c>, <c>Ivr.Flows</c>).</summary>
    public static string Short(string part) => part switch
    {
        FlowsLibrary => "Ivr.Flows",
        EngineFlows => "Engine/Flows",
        _ => part[(Engine.Length + 1)..],
    };
}
