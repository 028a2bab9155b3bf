[assembly: AssemblyFixture(typeof(Dynamo.Integration.Tests.Infrastructure.SharedCluster))]
