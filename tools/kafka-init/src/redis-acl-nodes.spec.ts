import { addressOf, clusterNodeAddresses, replicaAddresses } from './redis-acl-nodes';

describe(clusterNodeAddresses.name, () => {
  it('should list every node, primaries and replicas, by address', () => {
    // As Redis 7 answers CLUSTER NODES on the local stack's cluster (ids shortened).
    const reply = [
      'a1 127.0.0.1:6400@16400 myself,master - 0 0 1 connected 0-5460',
      'b2 127.0.0.1:6401@16401 master - 0 1700000000000 2 connected 5461-10922',
      'c3 127.0.0.1:6402@16402,redis-c master - 0 1700000000000 3 connected 10923-16383',
      'd4 127.0.0.1:6403@16403 slave a1 0 1700000000000 1 connected',
      'e5 127.0.0.1:6404@16404 slave,fail b2 1700000000000 1700000000000 2 disconnected',
      '',
    ].join('\n');

    expect(clusterNodeAddresses(reply, 'seed').map(addressOf)).toEqual([
      '127.0.0.1:6400',
      '127.0.0.1:6401',
      '127.0.0.1:6402',
      '127.0.0.1:6403',
      '127.0.0.1:6404',
    ]);
  });

  it('should leave out a node without an address and name the answering node by the seed host when it lists no ip', () => {
    const reply = ['a1 :6400@16400 myself,master - 0 0 1 connected 0-16383', 'f6 :0@0 noaddr,slave a1 0 0 1 disconnected'].join('\n');

    expect(clusterNodeAddresses(reply, 'redis-seed')).toEqual([{ host: 'redis-seed', port: 6400 }]);
  });
});

describe(replicaAddresses.name, () => {
  it("should read each replica's ip and port from a primary's INFO replication", () => {
    const info = [
      '# Replication',
      'role:master',
      'connected_slaves:2',
      'slave0:ip=127.0.0.1,port=6381,state=online,offset=1234,lag=0',
      'slave1:ip=10.0.0.7,port=6390,state=wait_bgsave,offset=0,lag=1',
      'master_failover_state:no-failover',
    ].join('\r\n');

    expect(replicaAddresses(info).map(addressOf)).toEqual(['127.0.0.1:6381', '10.0.0.7:6390']);
  });

  it('should find none on a primary without replicas', () => {
    expect(replicaAddresses('# Replication\r\nrole:master\r\nconnected_slaves:0\r\n')).toEqual([]);
  });
});
