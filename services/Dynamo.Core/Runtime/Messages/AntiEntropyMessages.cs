namespace Dynamo.Core.Runtime;

/// <summary>Asks for the children hashes of some nodes at one level of a (partition, N) Merkle tree (§4.7).</summary>
public sealed record MerkleTreeRequest(long RequestId, int Partition, int N, int Level, int[] Indices) : Message, IRequest;

/// <summary><see cref="MerkleTree.Fanout"/> hashes per requested index, or not ready when the tree is still being built.</summary>
public sealed record MerkleTreeReply(long RequestId, bool Ready, ulong[] Hashes) : Message, IResponse;

public readonly record struct KeyVersion(string Table, string Key, ulong VersionHash);

/// <summary>Asks for the keys and version hashes held in some leaves (buckets).</summary>
public sealed record MerkleKeysRequest(long RequestId, int Partition, int N, int[] Leaves) : Message, IRequest;

public sealed record MerkleKeysReply(long RequestId, bool Ready, IReadOnlyList<KeyVersion> Keys) : Message, IResponse;

public readonly record struct TableKey(string Table, string Key);

/// <summary>Asks for the objects of keys found to differ.</summary>
public sealed record FetchRequest(long RequestId, IReadOnlyList<TableKey> Keys) : Message, IRequest;

public sealed record FetchReply(long RequestId, IReadOnlyList<ReplicaItem> Items) : Message, IResponse;
