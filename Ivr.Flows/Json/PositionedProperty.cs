namespace Ivr.Flows.Json;

/// <summary>One member of a JSON object: its (unescaped) name, where the name starts, and its value.</summary>
/// <param name="Name">The property name after unescaping.</param>
/// <param name="Line">1-based line of the name's opening quote.</param>
/// <param name="Column">1-based column (UTF-16 code units) of the name's opening quote.</param>
/// <param name="Value">The value; its pointer is the object's pointer plus the escaped name.</param>
public sealed record PositionedProperty(string Name, int Line, int Column, PositionedNode Value);
