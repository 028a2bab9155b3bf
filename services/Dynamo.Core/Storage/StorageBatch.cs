namespace Dynamo.Core.Storage;

/// <summary>Writes applied atomically: all or none survive a crash (used by handoff and hint delivery).</summary>
public sealed class StorageBatch
{
    // Most batches hold one write: start with room for exactly one.
    private readonly List<Operation> _operations = new(1);

    public readonly record struct Operation(StoreSpace Space, byte[] Key, byte[]? Value)
    {
        public bool IsDelete => Value is null;
    }

    /// <summary>The writes in order. A span, so that applying a batch (once per stored write) allocates no enumerator.</summary>
    public ReadOnlySpan<Operation> Operations => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_operations);

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
