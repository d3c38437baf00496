//! Property test: on random small graphs and plans, at every tick, every
//! resident is at home, en route, sheltered or exposed — in each zone — and
//! the counters agree with the vehicles and the queues; casualties never
//! outnumber the people they come from, the road cause covers exactly the
//! people caught on closing roads, and every trapped person is still
//! trapped, rescued or dead. (The random plans rarely catch a vehicle on a
//! closing road; `evacuation::people_left_behind_or_caught_on_a_closing_road_are_exposed`
//! checks the road cause on purpose.)

use crate::build::random;
use qilian_models::casualties::Casualties;
use qilian_models::evacuation::Evacuation;
use qilian_models::standard_sim;

#[test]
fn residents_are_conserved_at_every_tick() {
    let mut moved = 0u64;

    for seed in 0..40 {
        let b = random(seed, 8 + (seed % 5) as u32 * 5, 400);
        let mut sim = standard_sim(b.build(), 0);
        while !sim.finished() {
            sim.step();
            let e = sim.world().resource::<Evacuation>();
            if let Err(msg) = e.audit() {
                panic!("seed {seed}, t = {:?}: {msg}", sim.now());
            }
            assert!(e.totals().conserved(), "seed {seed}");
            if let Err(msg) = sim.world().resource::<Casualties>().audit(e) {
                panic!("seed {seed}, t = {:?}: casualties: {msg}", sim.now());
            }
        }
        moved += sim.world().resource::<Evacuation>().traversals();
    }
    // The generator must actually exercise the model.
    assert!(moved > 1000, "only {moved} link traversals in 40 runs");
}
