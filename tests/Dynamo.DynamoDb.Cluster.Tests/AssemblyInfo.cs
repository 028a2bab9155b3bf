[assembly: AssemblyFixture(typeof(Dynamo.DynamoDb.Tests.Infrastructure.SharedCluster))]
[assembly: Trait("Category", "Integration")]
