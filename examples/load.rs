//! A load generator for `zoek serve` (bench/serve-load.sh runs it): CLIENTS threads, each
//! with one keep-alive HTTP/1.1 connection, send `GET /api/search?q=…&n=N` for SECONDS,
//! each starting at its own place in one fixed shuffle of the queries and going round it;
//! a request is timed from its first byte sent to the last byte of the answer read.
//!
//! usage: load --addr HOST:PORT --queries FILE [--clients 8] [--seconds 60] [--n 10]
//!             [--log FILE]
//! Prints one JSON object (requests, errors, requests/s, p50/p99/max ms); `--log` writes one
//! line per request: `start_unix_ms latency_us status` (status 0: no answer).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

struct Args {
    addr: String,
    queries: String,
    clients: usize,
    seconds: u64,
    n: usize,
    log: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        addr: String::new(),
        queries: String::new(),
        clients: 8,
        seconds: 60,
        n: 10,
        log: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => args.addr = value,
            "--queries" => args.queries = value,
            "--clients" => args.clients = value.parse().expect("--clients N"),
            "--seconds" => args.seconds = value.parse().expect("--seconds S"),
            "--n" => args.n = value.parse().expect("--n N"),
            "--log" => args.log = Some(value),
            _ => panic!("unknown flag {flag}"),
        }
    }
    assert!(
        !args.addr.is_empty() && !args.queries.is_empty(),
        "--addr and --queries are needed"
    );
    args
}

/// The queries in one fixed order: a Fisher–Yates shuffle driven by xorshift64 from a fixed
/// seed, so every run sends the same sequence.
fn shuffled(mut queries: Vec<String>) -> Vec<String> {
    let mut state: u64 = 0x5eed_2026_0017;
    for i in (1..queries.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        queries.swap(i, (state % (i as u64 + 1)) as usize);
    }
    queries
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One request on `conn`: its status, after reading the whole answer.
fn exchange(conn: &mut BufReader<TcpStream>, addr: &str, path: &str) -> std::io::Result<u16> {
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    conn.get_mut().write_all(head.as_bytes())?;
    let mut status = 0;
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if conn.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let text = line.trim_end();
        if text.is_empty() {
            break;
        }
        if status == 0 {
            status = text
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
        } else if let Some((name, value)) = text.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body)?;
    Ok(status)
}

fn main() {
    let args = args();
    let text = std::fs::read_to_string(&args.queries).expect("read the queries");
    let queries = shuffled(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    );
    assert!(!queries.is_empty(), "no queries");
    let started = Instant::now();
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let deadline = started + Duration::from_secs(args.seconds);
    let threads: Vec<_> = (0..args.clients)
        .map(|client| {
            let addr = args.addr.clone();
            let queries = queries.clone();
            let n = args.n;
            std::thread::spawn(move || {
                let mut records = Vec::new();
                let mut at = client * queries.len() / args.clients;
                let mut conn: Option<BufReader<TcpStream>> = None;
                while Instant::now() < deadline {
                    let path = format!("/api/search?q={}&n={n}", encode(&queries[at]));
                    at = (at + 1) % queries.len();
                    let sent = Instant::now();
                    if conn.is_none() {
                        conn = TcpStream::connect(&addr)
                            .and_then(|stream| {
                                stream.set_nodelay(true)?;
                                Ok(BufReader::new(stream))
                            })
                            .ok();
                    }
                    let status = conn
                        .as_mut()
                        .map_or(0, |c| exchange(c, &addr, &path).unwrap_or(0));
                    if status == 0 {
                        // No answer: the next request opens a new connection.
                        conn = None;
                    }
                    let took = sent.elapsed();
                    records.push((
                        (sent - started).as_millis() as u64,
                        took.as_micros() as u64,
                        status,
                    ));
                }
                records
            })
        })
        .collect();
    let mut records: Vec<(u64, u64, u16)> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a client thread"))
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    records.sort_unstable();
    if let Some(path) = &args.log {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("the log"));
        for (start, latency, status) in &records {
            writeln!(out, "{} {latency} {status}", epoch_ms + start).expect("write the log");
        }
    }
    let mut latencies: Vec<u64> = records.iter().map(|r| r.1).collect();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i] as f64 / 1000.0
    };
    let errors = records.iter().filter(|r| r.2 != 200).count();
    println!(
        "{{\"requests\": {}, \"errors\": {errors}, \"seconds\": {elapsed:.1}, \"requests_per_s\": {:.1}, \"p50_ms\": {:.2}, \"p99_ms\": {:.2}, \"max_ms\": {:.2}, \"clients\": {}, \"queries\": {}}}",
        records.len(),
        records.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        args.clients,
        queries.len()
    );
}
