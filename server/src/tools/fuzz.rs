//! `passerelle tools fuzz`: every parser of uploaded or imported files over generated inputs,
//! counting inputs, refusals and panics, and the slowest input. cargo-fuzz needs a nightly
//! compiler these machines do not have; this is an arbitrary-bytes driver instead: mutations of
//! the real samples (bit flips, bytes inserted, deleted and overwritten with "interesting"
//! values, truncations, splices of two samples, repeated chunks) and stressors built on purpose
//! (deep nesting, long lines, huge numbers, invalid UTF-8). Seeded: the same seed, the same
//! inputs. A panic fails the run (exit code 1) and its input is written to the output folder.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One parser under test: its name, its samples, and how to feed it an input (Ok: parsed or
/// refused cleanly, with how many records).
struct Target {
    name: &'static str,
    samples: Vec<Vec<u8>>,
    run: fn(&[u8]) -> usize,
}

/// What a parser did with the inputs.
#[derive(Default)]
pub struct Tally {
    pub inputs: u64,
    /// Inputs that gave at least one record (the others were refused cleanly).
    pub parsed: u64,
    pub panics: u64,
    pub slowest: Duration,
    pub elapsed: Duration,
}

fn decp(data: &[u8]) -> usize {
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;
    let mut n = 0;
    let _ = app::server::imports::decp::read::read_records(
        std::io::Cursor::new(data),
        Arc::new(AtomicU64::new(0)),
        |_| {
            n += 1;
            true
        },
    );
    n
}

fn eforms(data: &[u8]) -> usize {
    app::server::programming::eforms::read(data)
        .map(|n| 1 + n.cpv.len())
        .unwrap_or(0)
}

fn sirene(data: &[u8]) -> usize {
    let wanted: std::collections::HashSet<String> =
        ["42199758600035".to_string(), "21690123100011".to_string()].into();
    app::server::imports::sirene::read_extract(std::io::Cursor::new(data), &wanted)
        .map(|(found, report)| found.len() + report.lines as usize)
        .unwrap_or(0)
}

fn photo(data: &[u8]) -> usize {
    app::server::offers::http::decode_photo(data)
        .map(|p| (p.width() * p.height()) as usize)
        .unwrap_or(0)
}

fn read_samples(dir: &Path, ext: &[&str]) -> Vec<Vec<u8>> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| ext.contains(&e))
                })
                .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    // Large samples are cut to their first 16 KiB (records cut short are inputs too): the
    // readers' paths are all in their first records, and short inputs keep a million of them
    // to minutes.
    out.into_iter()
        .map(|(_, mut b)| {
            b.truncate(16 * 1024);
            b
        })
        .collect()
}

/// Small real pictures of each accepted format, made here (no file to ship).
fn pictures() -> Vec<Vec<u8>> {
    let img = image::RgbImage::from_fn(24, 16, |x, y| {
        image::Rgb([(x * 10) as u8, (y * 15) as u8, 128])
    });
    let mut out = vec![];
    for format in [
        image::ImageFormat::Png,
        image::ImageFormat::Jpeg,
        image::ImageFormat::WebP,
    ] {
        let mut bytes = std::io::Cursor::new(Vec::new());
        if image::DynamicImage::ImageRgb8(img.clone())
            .write_to(&mut bytes, format)
            .is_ok()
        {
            out.push(bytes.into_inner());
        }
    }
    out
}

const INTERESTING: &[u8] = b"\x00\xff\x7f\x80<>\"'{}[],;:\n\r\t\\&-0123456789eE.";

/// One mutation of `samples` (or a stressor), from `rng`.
fn mutate(rng: &mut ChaCha8Rng, samples: &[Vec<u8>]) -> Vec<u8> {
    let base = &samples[rng.random_range(0..samples.len())];
    let mut b = base.clone();
    let rounds = 1 + rng.random_range(0..8);
    for _ in 0..rounds {
        let len = b.len().max(1);
        match rng.random_range(0..10) {
            0 => {
                // Flip a bit.
                if !b.is_empty() {
                    let i = rng.random_range(0..b.len());
                    b[i] ^= 1 << rng.random_range(0..8);
                }
            }
            1 => {
                // Overwrite with an interesting byte.
                if !b.is_empty() {
                    let i = rng.random_range(0..b.len());
                    b[i] = INTERESTING[rng.random_range(0..INTERESTING.len())];
                }
            }
            2 => {
                // Insert bytes.
                let i = rng.random_range(0..=b.len());
                let n = rng.random_range(1..16);
                for _ in 0..n {
                    b.insert(i, INTERESTING[rng.random_range(0..INTERESTING.len())]);
                }
            }
            3 => {
                // Delete a range.
                if !b.is_empty() {
                    let i = rng.random_range(0..b.len());
                    let n = rng.random_range(1..64).min(b.len() - i);
                    b.drain(i..i + n);
                }
            }
            4 => {
                // Truncate.
                let n = rng.random_range(0..len);
                b.truncate(n);
            }
            5 => {
                // Splice another sample's tail.
                let other = &samples[rng.random_range(0..samples.len())];
                let i = rng.random_range(0..=b.len());
                let j = rng.random_range(0..=other.len());
                b.truncate(i);
                b.extend_from_slice(&other[j..]);
            }
            6 => {
                // Repeat a chunk.
                if !b.is_empty() {
                    let i = rng.random_range(0..b.len());
                    let n = rng.random_range(1..128).min(b.len() - i);
                    let chunk = b[i..i + n].to_vec();
                    let times = rng.random_range(1..32);
                    for _ in 0..times {
                        b.splice(i..i, chunk.iter().copied());
                    }
                }
            }
            7 => {
                // Deep nesting at a random place.
                let (open, close): (&[u8], &[u8]) = match rng.random_range(0..3) {
                    0 => (b"[", b"]"),
                    1 => (b"{\"a\":", b"}"),
                    _ => (b"<a>", b"</a>"),
                };
                let depth = rng.random_range(10..5_000);
                let i = rng.random_range(0..=b.len());
                let mut nested = Vec::with_capacity(depth * (open.len() + close.len()));
                for _ in 0..depth {
                    nested.extend_from_slice(open);
                }
                for _ in 0..depth {
                    nested.extend_from_slice(close);
                }
                b.splice(i..i, nested);
            }
            8 => {
                // A huge number or a long run of one byte.
                let i = rng.random_range(0..=b.len());
                let n = rng.random_range(20..4_000);
                let byte = if rng.random_bool(0.5) { b'9' } else { b'a' };
                b.splice(i..i, std::iter::repeat_n(byte, n));
            }
            _ => {
                // Invalid UTF-8.
                let i = rng.random_range(0..=b.len());
                b.splice(i..i, [0xc3, 0x28, 0xe2, 0x82]);
            }
        }
    }
    b
}

fn run_target(t: &Target, n: u64, seed: u64, out: &Path) -> Tally {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fxhash(t.name));
    let mut tally = Tally::default();
    let started = Instant::now();
    // The samples themselves first, then their mutations.
    let mut inputs: Box<dyn Iterator<Item = Vec<u8>>> = Box::new(t.samples.clone().into_iter());
    let mut i = 0u64;
    while i < n {
        let input = inputs.next().unwrap_or_else(|| {
            inputs = Box::new(std::iter::empty());
            mutate(&mut rng, &t.samples)
        });
        let t0 = Instant::now();
        let res = std::panic::catch_unwind(AssertUnwindSafe(|| (t.run)(&input)));
        let took = t0.elapsed();
        tally.slowest = tally.slowest.max(took);
        tally.inputs += 1;
        match res {
            Ok(records) if records > 0 => tally.parsed += 1,
            Ok(_) => {}
            Err(_) => {
                tally.panics += 1;
                let file = out.join(format!("{}-panic-{i}.bin", t.name));
                let _ = std::fs::write(&file, &input);
                eprintln!(
                    "{}: PANIC on input {i}, written to {}",
                    t.name,
                    file.display()
                );
            }
        }
        i += 1;
    }
    tally.elapsed = started.elapsed();
    tally
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// Runs every parser over `n` inputs each (the samples, then mutations of them) from `seed`;
/// `fixtures`, the folder of the tests' samples. Prints one line a parser; fails on a panic.
pub fn run(fixtures: &Path, n: u64, seed: u64, only: Option<&str>) -> anyhow::Result<()> {
    let out = std::env::temp_dir().join("passerelle-fuzz");
    std::fs::create_dir_all(&out)?;
    // A panic is counted, not printed a million times.
    std::panic::set_hook(Box::new(|_| {}));
    let targets = [
        Target {
            name: "decp-json",
            samples: read_samples(&fixtures.join("decp"), &["json"]),
            run: decp,
        },
        Target {
            name: "decp-xml",
            samples: read_samples(&fixtures.join("decp"), &["xml"]),
            run: decp,
        },
        Target {
            name: "decp-csv",
            samples: read_samples(&fixtures.join("decp"), &["csv"]),
            run: decp,
        },
        Target {
            name: "eforms-xml",
            samples: read_samples(&fixtures.join("eforms"), &["xml"]),
            run: eforms,
        },
        Target {
            name: "sirene-csv",
            samples: read_samples(&fixtures.join("sirene"), &["csv"]),
            run: sirene,
        },
        Target {
            name: "photo",
            samples: pictures(),
            run: photo,
        },
    ];
    println!("| parser | samples | inputs | parsed | panics | slowest input | inputs/s |");
    println!("|---|---|---|---|---|---|---|");
    let mut panics = 0;
    for t in targets.iter().filter(|t| only.is_none_or(|o| t.name == o)) {
        anyhow::ensure!(
            !t.samples.is_empty(),
            "{}: no sample in {}",
            t.name,
            fixtures.display()
        );
        let tally = run_target(t, n, seed, &out);
        println!(
            "| {} | {} | {} | {} | {} | {:.1} ms | {:.0} |",
            t.name,
            t.samples.len(),
            tally.inputs,
            tally.parsed,
            tally.panics,
            tally.slowest.as_secs_f64() * 1000.0,
            tally.inputs as f64 / tally.elapsed.as_secs_f64().max(1e-9)
        );
        panics += tally.panics;
    }
    let _ = std::panic::take_hook();
    anyhow::ensure!(
        panics == 0,
        "{panics} panic(s): inputs in {}",
        out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_seeded_and_vary() {
        let samples = vec![b"{\"marches\": []}".to_vec(), b"<marches/>".to_vec()];
        let a: Vec<_> = (0..50)
            .scan(ChaCha8Rng::seed_from_u64(7), |r, _| {
                Some(mutate(r, &samples))
            })
            .collect();
        let b: Vec<_> = (0..50)
            .scan(ChaCha8Rng::seed_from_u64(7), |r, _| {
                Some(mutate(r, &samples))
            })
            .collect();
        assert_eq!(a, b, "the same seed, the same inputs");
        let distinct: std::collections::HashSet<_> = a.iter().collect();
        assert!(distinct.len() > 40, "{}", distinct.len());
    }

    #[test]
    fn a_panicking_parser_is_counted_and_its_input_kept() {
        fn boom(data: &[u8]) -> usize {
            assert!(data.len() < 5, "too long");
            data.len()
        }
        let out = std::env::temp_dir().join(format!("passerelle-fuzz-test-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let t = Target {
            name: "boom",
            samples: vec![b"abcdefgh".to_vec(), b"ab".to_vec()],
            run: boom,
        };
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let tally = run_target(&t, 200, 1, &out);
        std::panic::set_hook(prev);
        assert_eq!(tally.inputs, 200);
        assert!(tally.panics > 0 && tally.panics < 200);
        assert!(std::fs::read_dir(&out).unwrap().count() as u64 >= tally.panics.min(1));
        std::fs::remove_dir_all(&out).ok();
    }
}
