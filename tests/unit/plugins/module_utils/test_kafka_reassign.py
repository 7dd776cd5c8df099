# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the replica placement planners (plugins/module_utils/_kafka_reassign.py)."""

from __future__ import annotations

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_reassign as kr


def part(replicas, leader=None, isr=None):
    return dict(replicas=list(replicas), leader=replicas[0] if leader is None else leader,
                isr=list(replicas if isr is None else isr))


def held(assignment, moves):
    """{broker: replicas held} after the moves."""
    out = {}
    for key, partition in assignment.items():
        for r in moves.get(key, partition['replicas']):
            out[r] = out.get(r, 0) + 1
    return out


BROKERS4 = {1: None, 2: None, 3: None, 4: None}


def test_pick_broker_prefers_new_racks_then_least_loaded():
    brokers = {1: 'a', 2: 'a', 3: 'b', 4: 'b'}
    assert kr.pick_broker([1], brokers, {2: 0, 3: 5, 4: 4}) == 4
    assert kr.pick_broker([1, 3], brokers, {2: 9, 4: 0}) == 4
    assert kr.pick_broker([1, 2, 3, 4], brokers, {}) is None
    assert kr.pick_broker([1], {1: None, 2: None, 3: None}, {2: 1, 3: 1}) == 2


def test_drain_moves_every_replica_off_and_keeps_an_in_sync_leader_first():
    assignment = {('t', 0): part([4, 1, 2]), ('t', 1): part([1, 4, 3]), ('t', 2): part([1, 2, 3]),
                  ('u', 0): part([2, 4], leader=4, isr=[4])}
    load = {1: 3, 2: 3, 3: 2, 4: 3}
    moves, errors = kr.drain_brokers(assignment, [4], BROKERS4, load)
    assert errors == ["partition 0 of topic 'u' has no in-sync replica outside broker(s) [4] (isr [4]): "
                      "draining would leave it without one"]
    assert sorted(moves) == [('t', 0), ('t', 1)]
    assert moves[('t', 0)] == [1, 2, 3]          # 4 led: an in-sync kept replica goes first
    assert moves[('t', 1)][0] == 1 and 4 not in moves[('t', 1)] and len(set(moves[('t', 1)])) == 3
    assert load[4] == 1


def test_drain_refuses_when_no_broker_is_left_for_a_replica():
    assignment = {('t', 0): part([1, 2, 3])}
    moves, errors = kr.drain_brokers(assignment, [3], {1: None, 2: None, 3: None}, {})
    assert moves == {}
    assert errors and "partition 0 of topic 't': no broker outside [3] can take its replica" in errors[0]


def test_balance_spreads_onto_a_new_broker_moving_followers_first():
    assignment = dict((('t', i), part([1 + i % 3, 1 + (i + 1) % 3])) for i in range(6))
    load = {1: 4, 2: 4, 3: 4}
    moves = kr.balance_brokers(assignment, BROKERS4, load)
    after = held(assignment, moves)
    assert max(after.values()) - min(after.values()) <= 1
    assert after[4] == 3
    for key, replicas in moves.items():
        assert replicas[0] == assignment[key]['leader']      # leaders stay
        assert len(set(replicas)) == 2


def test_balance_of_a_balanced_cluster_moves_nothing():
    assignment = dict((('t', i), part([1 + i % 3, 1 + (i + 1) % 3])) for i in range(6))
    assert kr.balance_brokers(assignment, {1: None, 2: None, 3: None}, {1: 4, 2: 4, 3: 4}) == {}


def test_balance_keeps_rack_spread():
    brokers = {1: 'a', 2: 'b', 3: 'b'}
    assignment = {('t', 0): part([1, 2]), ('t', 1): part([1, 2])}
    # Broker 3 is empty, but moving broker 1's replicas there would put both on rack b.
    moves = kr.balance_brokers(assignment, brokers, {1: 2, 2: 2})
    assert all(1 in r for r in moves.values()) and len(moves) == 1


def test_throttle_configs_name_current_and_added_replicas():
    moves = {('t', 0): [1, 2, 3], ('t', 1): [2, 4]}
    current = {('t', 0): [1], ('t', 1): [2, 3]}
    brokers, topics = kr.throttle_configs(moves, current, 1000)
    assert sorted(brokers) == [1, 2, 3, 4]
    assert brokers[1] == {'leader.replication.throttled.rate': '1000', 'follower.replication.throttled.rate': '1000'}
    assert topics == {'t': {'leader.replication.throttled.replicas': '0:1,1:2,1:3',
                            'follower.replication.throttled.replicas': '0:2,0:3,1:4'}}


def test_running_conflicts():
    moves = {('t', 0): [1, 2], ('t', 1): [2, 3], ('t', 2): [3, 1]}
    running = {('t', 0): dict(replicas=[1, 2], adding_replicas=[2], removing_replicas=[]),
               ('t', 1): dict(replicas=[2, 1, 3], adding_replicas=[1, 3], removing_replicas=[])}
    already, errors = kr.running_conflicts(moves, running)
    assert already == [('t', 0)]
    assert len(errors) == 1 and "partition 1 of topic 't' is already being reassigned to [2, 1, 3]" in errors[0]


def test_load_and_assignment_from_metadata():
    metadata = [dict(name='t', error_code=0, partitions=[
        dict(partition_index=0, leader_id=1, replica_nodes=[1, 2], isr_nodes=[1]),
        dict(partition_index=1, leader_id=2, replica_nodes=[2, 3], isr_nodes=[2, 3])]),
        dict(name='gone', error_code=3, partitions=[])]
    assert kr.replica_load(metadata) == {1: 1, 2: 2, 3: 1}
    assert kr.assignment_from_metadata(metadata) == {('t', 0): dict(replicas=[1, 2], leader=1, isr=[1]),
                                                     ('t', 1): dict(replicas=[2, 3], leader=2, isr=[2, 3])}


def test_drain_problems_name_the_numbers():
    assignment = {('wide', 0): part([1, 2, 3]), ('strict', 0): part([1, 2])}
    brokers = {1: None, 2: None, 3: None}
    assert kr.drain_problems([3], {1: None, 2: None, 3: None, 4: None}, assignment, {'wide': 2}, []) == []
    problems = kr.drain_problems([3, 9], brokers, assignment, {'strict': 3, 'wide': 1}, [])
    assert problems[0] == 'broker id(s) [9] are not in the cluster (live brokers: [1, 2, 3])'
    assert "1 broker(s) would remain ([1, 2]), fewer than the replication factor 3 of topic 'wide'" not in problems
    assert "2 broker(s) would remain ([1, 2]), fewer than the replication factor 3 of topic 'wide'" in problems
    assert any("fewer than min.insync.replicas=3 of topic 'strict'" in p for p in problems)
    assert kr.drain_problems([1, 2, 3], brokers, assignment, {}, [])[-1] == (
        'it would leave no broker: the live brokers are [1, 2, 3]')
    voter = kr.drain_problems([1], {1: None, 2: None, 3: None, 4: None}, assignment, {}, [1, 2, 3])
    assert voter == ['broker id(s) [1] are KRaft controller voters (voters: [1, 2, 3]): draining them is not a '
                     'quorum change; remove them from the controller quorum separately']


def test_a_dead_broker_holding_replicas_is_known():
    assignment = {('t', 0): part([1, 5], isr=[1])}
    assert kr.drain_problems([5], {1: None, 2: None}, assignment, {}, []) == []


def test_replication_factor_increase_evens_out_ties():
    # 3 single-replica partitions on 3 of 4 brokers, RF 1 -> 3: 9 replicas, so 2 or 3 each.
    partitions = {0: part([3]), 1: part([4]), 2: part([5])}
    load = {3: 1, 4: 1, 5: 1}
    moves, errors = kr.change_replication_factor('t', partitions, 3, {2: None, 3: None, 4: None, 5: None}, load)
    assert errors == []
    held = [r for rs in moves.values() for r in rs]
    assert max(held.count(b) for b in (2, 3, 4, 5)) - min(held.count(b) for b in (2, 3, 4, 5)) <= 1, moves
    assert [moves[i][0] for i in range(3)] == [3, 4, 5]
    assert load == dict((b, held.count(b)) for b in (2, 3, 4, 5))


def test_drain_shrinks_a_topic_wider_than_the_remaining_brokers_when_allowed():
    # the canary of site.yml: replicated to all 3 brokers; broker 3 leaves
    assignment = {('canary', 0): part([3, 1, 2]), ('canary', 1): part([1, 2, 3]), ('orders', 0): part([3, 1])}
    brokers = {1: None, 2: None, 3: None}
    refused = kr.drain_problems([3], brokers, assignment, {}, [])
    assert refused == ["2 broker(s) would remain ([1, 2]), fewer than the replication factor 3 of topic 'canary'"]
    assert kr.drain_problems([3], brokers, assignment, {}, [], shrink=['canary']) == []
    # min.insync.replicas still counts for a shrinking topic
    assert kr.drain_problems([3], brokers, assignment, {'canary': 3}, [], shrink=['canary']) == [
        "2 broker(s) would remain, fewer than min.insync.replicas=3 of topic 'canary': acks=all producers would fail"]
    load = {1: 3, 2: 2, 3: 3}
    moves, errors = kr.drain_brokers(assignment, [3], brokers, load, shrink=['canary'])
    assert errors == []
    assert moves[('canary', 0)] == [1, 2]          # dropped, an in-sync kept replica first
    assert moves[('canary', 1)] == [1, 2]
    assert moves[('orders', 0)] == [1, 2]          # not shrinking: moved to broker 2
    assert load[3] == 0
    # without shrink the canary's replicas have nowhere to go
    _moves, errors = kr.drain_brokers(assignment, [3], brokers, {1: 3, 2: 2, 3: 3})
    assert len(errors) == 2 and all("no broker outside [3] can take its replica" in e for e in errors)
