//! The search page in a real browser: headless Chromium driven through chromedriver
//! (WebDriver), as a person uses it: typing a query from the keyboard alone, a highlighted
//! passage, a date range, an article at its passage, a suggestion followed, more results in
//! place, a phone's 375-pixel-wide screen, and a hostile article whose title stays text.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them when missing);
//! without them the test says so in one line and passes. With `ZOEK_SCREENSHOT=1` it saves
//! the results page as `docs/serve.png`, the picture in the README.

use std::error::Error;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::common::{copy_dir, write, zoek_in};
use crate::serve::{Served, HOSTILE};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// A program on the PATH, or at Debian's place for it.
fn program(name: &str) -> Option<PathBuf> {
    let debian = Path::new("/usr/bin").join(name);
    if debian.exists() {
        return Some(debian);
    }
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.exists())
}

/// A running chromedriver, ended when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(program: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver does not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_search_page_in_a_browser() {
    let (Some(chromium), Some(chromedriver)) = (program("chromium"), program("chromedriver"))
    else {
        // Straight to stderr, past the test harness's capture, so the line is seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the browser test of zoek serve needs chromium and chromedriver (apt-get install chromium chromium-driver)"
        );
        return;
    };
    // The bundled corpus and a hostile article.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
        &tmp.path().join("c"),
    );
    write(&tmp.path().join("c"), "kwaad.md", HOSTILE);
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "i"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let served = Served::start(&tmp.path().join("i"), &[]);
    let driver = Driver::start(&chromedriver);
    let profile = tmp.path().join("profile");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(async {
            let mut options = serde_json::Map::new();
            options.insert(
                "goog:chromeOptions".to_string(),
                json!({
                    "binary": chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1000,900",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                }),
            );
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            let mut builder = ClientBuilder::new(connector);
            builder.capabilities(options);
            let client = builder
                .connect(&format!("http://127.0.0.1:{}", driver.port))
                .await?;
            // On a task of its own, so that the browser is closed even when an assertion
            // fails: no Chromium outlives the test.
            let session = client.clone();
            let base = format!("http://{}", served.addr);
            let outcome = tokio::spawn(async move { scenario(&session, &base).await }).await;
            client.close().await?;
            match outcome {
                Ok(result) => result,
                Err(failed) => std::panic::resume_unwind(failed.into_panic()),
            }
        })
        .unwrap_or_else(|err| panic!("{err}\nserver: {}", served.log.lock().unwrap()));
}

/// Evaluates a JavaScript expression in the page.
async fn eval(client: &Client, expression: &str) -> Result<Value> {
    Ok(client
        .execute(&format!("return ({expression});"), Vec::new())
        .await?)
}

/// Waits (up to 10 s) until `expression` is true in the page.
async fn wait_for(client: &Client, expression: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        // A page being replaced may not answer for a moment.
        if let Ok(Value::Bool(true)) = eval(client, expression).await {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!(
                "waited in vain for {expression} on {}",
                client.current_url().await?
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses keys on the keyboard, as a person does: each goes where the focus is.
async fn keys(client: &Client, text: &str) -> Result<()> {
    let mut actions = KeyActions::new("keyboard".to_string());
    for key in text.chars() {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    client.perform_actions(actions).await?;
    Ok(())
}

async fn scenario(client: &Client, base: &str) -> Result<()> {
    let tab: char = Key::Tab.into();
    let enter: char = Key::Enter.into();

    // From the keyboard alone. The page opens with the cursor in the search box.
    client.set_window_size(1000, 900).await?;
    client.goto(&format!("{base}/")).await?;
    assert_eq!(eval(client, "document.activeElement.id").await?, json!("q"));
    // A page of results has it elsewhere: Tab reaches the box, Ctrl+A and typing replace
    // the query, Enter searches.
    client.goto(&format!("{base}/?q=storm")).await?;
    let mut stops = Vec::new();
    while eval(client, "document.activeElement.id").await? != json!("q") {
        keys(client, &tab.to_string()).await?;
        stops.push(eval(client, "document.activeElement.outerHTML.slice(0, 60)").await?);
        assert!(
            stops.len() <= 3,
            "Tab reaches the search box early: {stops:?}"
        );
    }
    let control: char = Key::Control.into();
    let select_all = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value: control })
        .then(KeyAction::Down { value: 'a' })
        .then(KeyAction::Up { value: 'a' })
        .then(KeyAction::Up { value: control });
    client.perform_actions(select_all).await?;
    keys(client, "verkiezingsfraude").await?;
    keys(client, &enter.to_string()).await?;
    // The page before had marks too: wait for the new one.
    wait_for(
        client,
        "location.search.includes('q=verkiezingsfraude') && document.querySelector('ol.results .passage mark') !== null",
    )
    .await?;
    let marked = eval(
        client,
        "document.querySelector('ol.results .passage mark').textContent",
    )
    .await?;
    assert_eq!(marked, json!("verkiezingsfraude"));
    assert!(client
        .current_url()
        .await?
        .as_str()
        .contains("q=verkiezingsfraude"));
    if std::env::var_os("ZOEK_SCREENSHOT").is_some() {
        let png = client.screenshot().await?;
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs)?;
        std::fs::write(docs.join("serve.png"), png)?;
    }

    // A date range, typed in the filters and sent with the button.
    client.goto(&format!("{base}/")).await?;
    client
        .find(Locator::Id("q"))
        .await?
        .send_keys("fraude")
        .await?;
    client
        .find(Locator::Id("since"))
        .await?
        .send_keys("2020-01")
        .await?;
    client
        .find(Locator::Id("until"))
        .await?
        .send_keys("juni 2020")
        .await?;
    client
        .find(Locator::Css("form.search button"))
        .await?
        .click()
        .await?;
    wait_for(client, "location.search.includes('since=2020-01')").await?;
    wait_for(client, "document.querySelector('ol.results') !== null").await?;
    let dates = eval(
        client,
        "[...document.querySelectorAll('ol.results time')].map(t => t.getAttribute('datetime'))",
    )
    .await?;
    let dates: Vec<&str> = dates
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(!dates.is_empty());
    assert!(
        dates
            .iter()
            .all(|d| ("2020-01-01"..="2020-06-30").contains(d)),
        "{dates:?}"
    );

    // An article, opened at the passage of the hit.
    client
        .find(Locator::Css("ol.results h2 a"))
        .await?
        .click()
        .await?;
    wait_for(client, "document.querySelector('article h1') !== null").await?;
    assert!(eval(client, "location.hash")
        .await?
        .as_str()
        .unwrap()
        .starts_with("#p"));
    assert_eq!(
        eval(
            client,
            "document.querySelector('.passage:target mark') !== null"
        )
        .await?,
        json!(true)
    );
    assert_eq!(
        eval(client, "document.querySelector('article h1').textContent").await?,
        json!("Autohandelaar uit Oss veroordeeld voor belastingfraude")
    );

    // "Bedoelde u", followed.
    client.goto(&format!("{base}/?q=verkiezingsfruade")).await?;
    client
        .find(Locator::Css(".suggestion a"))
        .await?
        .click()
        .await?;
    wait_for(
        client,
        "location.search.includes('q=verkiezingsfraude') && document.querySelector('ol.results mark') !== null",
    )
    .await?;
    assert_eq!(
        eval(client, "document.getElementById('q').value").await?,
        json!("verkiezingsfraude")
    );

    // More results, added in place; the focus moves to the first new one.
    client.goto(&format!("{base}/?q=de")).await?;
    assert_eq!(
        eval(
            client,
            "document.querySelectorAll('ol.results > li').length"
        )
        .await?,
        json!(10)
    );
    client.find(Locator::Css("a.more")).await?.click().await?;
    wait_for(
        client,
        "document.querySelectorAll('ol.results > li').length > 10",
    )
    .await?;
    assert!(client.current_url().await?.as_str().ends_with("/?q=de"));
    assert_eq!(
        eval(client, "document.activeElement === document.querySelectorAll('ol.results > li')[10].querySelector('a')").await?,
        json!(true)
    );

    // A phone: 375 pixels wide, nothing to scroll sideways, text of a readable size.
    client.set_window_size(375, 800).await?;
    for page in [
        "/?q=verkiezingsfraude",
        "/?q=arbeidsongeschiktheidsverzekeringsmaatschappij",
        "/artikel?id=2020-11-18-trump-ontslaat-krebs.txt&q=krebs",
        "/",
    ] {
        client.goto(&format!("{base}{page}")).await?;
        let width = eval(client, "window.innerWidth").await?.as_u64().unwrap();
        assert!(width <= 375, "{page}: the viewport is {width} px wide");
        assert_eq!(
            eval(
                client,
                "document.documentElement.scrollWidth <= window.innerWidth"
            )
            .await?,
            json!(true),
            "{page}: wider than the screen"
        );
        let size = eval(
            client,
            "parseFloat(getComputedStyle(document.body).fontSize)",
        )
        .await?;
        assert!(size.as_f64().unwrap() >= 14.0, "{page}: text of {size} px");
    }
    client.set_window_size(1000, 900).await?;

    // A hostile title: shown as text, nothing run.
    for page in ["/?q=kwaadaardig", "/artikel?id=kwaad.md&q=kwaadaardig"] {
        client.goto(&format!("{base}{page}")).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            eval(client, "typeof window.pwned").await?,
            json!("undefined"),
            "{page}: a script ran"
        );
        assert_eq!(
            eval(
                client,
                "document.querySelectorAll('main img, main script').length"
            )
            .await?,
            json!(0)
        );
        let heading = eval(
            client,
            "document.querySelector('main h1, main h2').textContent",
        )
        .await?;
        assert!(
            heading
                .as_str()
                .unwrap()
                .starts_with("<script>window.pwned=1</script><img src=x"),
            "{page}: {heading}"
        );
    }
    Ok(())
}
