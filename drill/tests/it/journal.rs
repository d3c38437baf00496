//! The journal survives crashes and failed writes: a torn tail (anywhere,
//! even inside a character) is cut off the file before the next line, a
//! failed write is never acknowledged and never poisons later lines, and
//! every acknowledged order comes back after reopening.

use super::{drill, scratch};
use qilian_drill::journal::{Control, DrillJournal, Entry, Storage};
use qilian_drill::session::{Order, Session};
use qilian_engine::scenario::WorkKind;
use qilian_testkit::Rng;
use std::io;
use std::sync::{Arc, Mutex};

/// How the next write fails.
#[derive(Clone, Copy, Debug)]
enum Fail {
    /// Write this many bytes of the line, then ENOSPC.
    Partial(usize),
    /// Write it all, then the fsync fails.
    Sync,
    /// Write a part, fail, and fail the clean-up cut too.
    PartialNoCut(usize),
}

/// A storage that fails writes as scheduled.
struct Flaky {
    inner: Box<dyn Storage>,
    plan: Arc<Mutex<Option<Fail>>>,
    cut_fails: bool,
}

impl Storage for Flaky {
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        match *self.plan.lock().unwrap() {
            Some(Fail::Partial(n)) | Some(Fail::PartialNoCut(n)) => {
                self.inner.write_at(offset, &bytes[..n.min(bytes.len())])?;
                Err(io::Error::from_raw_os_error(28)) // ENOSPC
            }
            _ => self.inner.write_at(offset, bytes),
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        let mut plan = self.plan.lock().unwrap();
        match plan.take() {
            Some(Fail::Sync) => Err(io::Error::other("fsync failed")),
            Some(f @ Fail::PartialNoCut(_)) => {
                // Not reached: write_at failed first.
                *plan = Some(f);
                self.inner.sync()
            }
            _ => self.inner.sync(),
        }
    }

    fn truncate(&mut self, len: u64) -> io::Result<()> {
        let mut plan = self.plan.lock().unwrap();
        if let Some(Fail::PartialNoCut(_)) = *plan {
            *plan = None;
            self.cut_fails = true;
            return Err(io::Error::other("cut failed"));
        }
        if matches!(*plan, Some(Fail::Partial(_))) {
            *plan = None;
        }
        self.inner.truncate(len)
    }
}

fn priorities(k: u64) -> Vec<WorkKind> {
    let all = [
        WorkKind::Road,
        WorkKind::MainRoad,
        WorkKind::Bridge,
        WorkKind::Cleanup,
        WorkKind::Rescue,
    ];
    let r = (k as usize) % all.len();
    all[r..].iter().chain(&all[..r]).copied().collect()
}

/// Acknowledged orders of team 1 as (id, order).
fn orders(s: &Session) -> Vec<(u64, Order)> {
    let v = s.team_view(1).unwrap();
    serde_json::from_value::<Vec<qilian_drill::session::OrderRecord>>(v["orders"].clone())
        .unwrap()
        .into_iter()
        .map(|o| (o.order_id, o.order))
        .collect()
}

/// Orders, clock actions and time with a failed write every few actions;
/// every refused write is left out of what is acknowledged, and what is
/// acknowledged all comes back, in order, after reopening.
#[test]
fn failed_writes_are_not_acknowledged_and_do_not_poison_later_orders() {
    let dir = drill("journal-enospc", 1);
    let mut s = Session::open(&dir).unwrap();
    let plan = Arc::new(Mutex::new(None));
    let p = plan.clone();
    s.wrap_journal_storage(move |inner| {
        Box::new(Flaky {
            inner,
            plan: p,
            cut_fails: false,
        })
    });
    let mut rng = Rng(0x5eed);
    let mut acked = Vec::new();
    let mut refused = 0;
    for k in 0..60u64 {
        let fail = match rng.below(4) {
            0 => Some(Fail::Partial(rng.below(80))),
            1 if k % 3 == 0 => Some(Fail::Sync),
            1 => Some(Fail::PartialNoCut(rng.below(80))),
            _ => None,
        };
        *plan.lock().unwrap() = fail;
        let order = Order::Priorities {
            order: priorities(k),
        };
        match s.order(1, order.clone()) {
            Ok(id) => acked.push((id, order)),
            Err(r) => {
                assert!(fail.is_some(), "refused without a failure: {}", r.message);
                assert_eq!(r.status, 503, "{}", r.message);
                refused += 1;
            }
        }
        *plan.lock().unwrap() = None;
        if k % 7 == 0 {
            s.control(Control::Step).unwrap();
        }
    }
    assert!(refused > 10 && acked.len() > 20, "{refused} refused");
    assert_eq!(orders(&s), acked);
    drop(s);
    let s = Session::open(&dir).unwrap();
    assert_eq!(orders(&s), acked, "every acknowledged order, nothing else");
}

/// A journal written through failed writes, cut at 100 random bytes (a
/// crash at any point of any write): reopening keeps exactly the complete
/// lines, cuts the rest off the file, and the next line appended after it
/// is read back too.
#[test]
fn a_journal_cut_anywhere_recovers_every_complete_line_and_appends_cleanly() {
    let dir = scratch("journal-cuts");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("journal.jsonl");
    let entry = |k: u64| Entry::Order {
        at_s: k * 60,
        team: 1 + (k % 3) as u32,
        order_id: k + 1,
        order: Order::Priorities {
            order: priorities(k),
        },
    };
    let (mut j, read) = DrillJournal::open(&path).unwrap();
    assert!(read.is_empty());
    let mut ends = Vec::new();
    for k in 0..40 {
        j.append(&entry(k)).unwrap();
        ends.push(j.len());
    }
    drop(j);
    let full = std::fs::read(&path).unwrap();
    let mut rng = Rng(19);
    for _ in 0..100 {
        let cut = rng.below(full.len() + 1);
        std::fs::write(&path, &full[..cut]).unwrap();
        let complete = ends.iter().filter(|&&e| e <= cut as u64).count();
        let (mut j, read) = DrillJournal::open(&path).unwrap();
        let want: Vec<Entry> = (0..complete as u64).map(entry).collect();
        assert_eq!(read, want, "cut at {cut}");
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            ends.get(complete.wrapping_sub(1)).copied().unwrap_or(0),
            "the torn tail is cut off the file (cut at {cut})"
        );
        let next = Entry::Clock { at_s: 999_999 };
        j.append(&next).unwrap();
        drop(j);
        let (_, again) = DrillJournal::open(&path).unwrap();
        assert_eq!(again.len(), complete + 1, "cut at {cut}");
        assert_eq!(again.last(), Some(&next));
    }
}

/// A tear inside a multi-byte character loses only the torn line.
#[test]
fn a_tear_inside_a_character_loses_only_the_torn_line() {
    let dir = scratch("journal-utf8");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("journal.jsonl");
    let mut bytes = b"{\"entry\":\"clock\",\"at_s\":60}\n".to_vec();
    bytes.extend_from_slice("{\"entry\":\"inject\",\"note\":\"洪".as_bytes());
    bytes.pop();
    std::fs::write(&path, &bytes).unwrap();
    let (mut j, read) = DrillJournal::open(&path).unwrap();
    assert_eq!(read, vec![Entry::Clock { at_s: 60 }]);
    j.append(&Entry::Clock { at_s: 120 }).unwrap();
    let (_, read) = DrillJournal::open(&path).unwrap();
    assert_eq!(
        read,
        vec![Entry::Clock { at_s: 60 }, Entry::Clock { at_s: 120 }]
    );
}

/// The end to end case of the issue: a crash mid-write, a restart, an
/// acknowledged order, and a second restart that must find it.
#[test]
fn an_order_after_a_torn_restart_survives_the_next_restart() {
    let dir = drill("journal-torn", 1);
    let path = dir.join("journal.jsonl");
    {
        let mut s = Session::open(&dir).unwrap();
        s.order(
            1,
            Order::Priorities {
                order: priorities(1),
            },
        )
        .unwrap();
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    io::Write::write_all(&mut f, b"{\"entry\":\"order\",\"at_s\":0,\"te").unwrap();
    drop(f);
    let id = {
        let mut s = Session::open(&dir).unwrap();
        assert_eq!(orders(&s).len(), 1);
        s.order(
            1,
            Order::Priorities {
                order: priorities(2),
            },
        )
        .unwrap()
    };
    let s = Session::open(&dir).unwrap();
    let got = orders(&s);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0, id);
}

/// A seeded corpus over the journal reader: a real journal (orders of two
/// teams, controls, an inject, clock checkpoints) mutated a few hundred
/// ways — bytes changed, cut, dropped, doubled, numbers made huge, negative
/// or not numbers — is read back or refused with the file and line, never
/// a panic; a sample of them is also replayed by `Session::open`, which
/// must resume or refuse with a message, never panic.
#[test]
fn mutated_journals_are_read_or_refused_never_panic() {
    let dir = drill("journal-corpus", 2);
    let path = dir.join("journal.jsonl");
    {
        let mut s = Session::open(&dir).unwrap();
        s.control(Control::Step).unwrap();
        for k in 0..6u64 {
            s.order(
                1 + (k % 2) as u32,
                Order::Priorities {
                    order: priorities(k),
                },
            )
            .unwrap();
        }
        s.order(1, Order::CloseRoad { edge: 423 }).unwrap();
        s.inject(qilian_engine::scenario::Inject::Expose {
            zone: qilian_engine::ids::ZoneId(1),
        })
        .unwrap();
        s.control(Control::Step).unwrap();
        s.checkpoint().unwrap();
    }
    let seed = std::fs::read(&path).unwrap();
    let (_, good) = DrillJournal::open(&path).unwrap();
    assert!(good.len() >= 10, "{} entries", good.len());
    const TOKENS: [&[u8]; 10] = [
        b"1e308",
        b"-1",
        b"18446744073709551615",
        b"99999999999999999999",
        b"NaN",
        b"null",
        b"\"",
        b"{",
        b"]",
        "洪".as_bytes(),
    ];
    let mut rng = Rng(0x1905);
    let (mut read_ok, mut refused) = (0, 0);
    for case in 0..400 {
        let mut b = seed.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(b.len() + 1).min(b.len());
            match rng.below(6) {
                0 if !b.is_empty() => {
                    let i = at.min(b.len() - 1);
                    b[i] = (rng.next_u64() & 0xff) as u8;
                }
                1 => b.truncate(at),
                2 => {
                    let end = (at + rng.below(40)).min(b.len());
                    b.drain(at..end);
                }
                3 => {
                    let end = (at + rng.below(80)).min(b.len());
                    let copy = b[at..end].to_vec();
                    b.splice(at..at, copy);
                }
                _ => {
                    let end = at + b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
                    let t = TOKENS[rng.below(TOKENS.len())];
                    b.splice(at..end, t.iter().copied());
                }
            }
        }
        std::fs::write(&path, &b).unwrap();
        let run = std::panic::catch_unwind(|| qilian_drill::journal::read(&path));
        match run {
            Ok(Ok(_)) => read_ok += 1,
            Ok(Err(e)) => {
                refused += 1;
                let msg = e.to_string();
                assert!(
                    msg.contains("journal.jsonl:"),
                    "case {case}: the refusal names the file and line: {msg}"
                );
            }
            Err(_) => panic!(
                "case {case}: the reader panicked on:\n{}",
                String::from_utf8_lossy(&b)
            ),
        }
        // Replaying is slower (it steps the simulations): one case in ten.
        if case % 10 == 0 {
            let run = std::panic::catch_unwind(|| Session::open(&dir).map(|_| ()));
            match run {
                Ok(Ok(())) => {}
                Ok(Err(e)) => assert!(!e.to_string().is_empty(), "case {case}"),
                Err(_) => panic!(
                    "case {case}: Session::open panicked on:\n{}",
                    String::from_utf8_lossy(&b)
                ),
            }
        }
    }
    assert!(
        read_ok > 40 && refused > 40,
        "the corpus reaches both outcomes: {read_ok} read, {refused} refused"
    );
}
