namespace Dynamo.Core.Storage;

/// <summary>Writes applied atomically: all or none survive a crash (used by handoff and hint delivery).</summary>
public sealed class StorageBatch
{
    private readonly List<Operation> _operations = [];

    public readonly record struct Operation(StoreSpace Space, byte[] Key, byte[]? Value)
    {
        public bool IsDelete => Value is null;
    }

    public IReadOnlyList<Operation> Operations => _operations;

    public int Count => _operations.Count;

    public StorageBatch Put(StoreSpace space, byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _operations.Add(new Operation(space, key, value));
        return this;
    }

    public StorageBatch Delete(StoreSpace space, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _operations.Add(new Operation(space, key, null));
        return this;
    }
}
