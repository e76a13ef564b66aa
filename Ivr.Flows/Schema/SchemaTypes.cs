namespace Ivr.Flows.Schema;

/// <summary>JSON types a schema's <c>type</c> keyword may name.</summary>
[Flags]
internal enum SchemaTypes
{
    None = 0,
    Object = 1,
    Array = 2,
    String = 4,
    Number = 8,
    Integer = 16,
    Boolean = 32,
    Null = 64,
}
