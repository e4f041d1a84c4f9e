//! The files of the index folder that zoek writes itself: their names, synced writes, and
//! permissions (as readable as the corpus, whatever tantivy's temporary files do).

use std::fs;
use std::io::Write;
use std::path::Path;

pub(super) const CURRENT_FILE: &str = "CURRENT";
pub(super) const LOCK_FILE: &str = "LOCK";
pub(super) const META_FILE: &str = "zoek.json";

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Writes `value` as the JSON file `name` of `generation` atomically (a temporary file, synced,
/// renamed), as readable as the generation's other files.
pub(super) fn save_json(
    generation: &Path,
    name: &str,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let tmp = generation.join(format!("{name}.tmp"));
    let json = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    write_synced(&tmp, &json)?;
    fs::rename(&tmp, generation.join(name))?;
    set_mode_like(&generation.join(name), &generation.join(META_FILE));
    Ok(())
}

/// Gives `path` the permissions of `like` (tantivy writes `meta.json` through a temporary
/// file that only its owner may read; the index should be as readable as its other files).
pub(super) fn set_mode_like(path: &Path, like: &Path) {
    if let Ok(meta) = fs::metadata(like) {
        let _ = fs::set_permissions(path, meta.permissions());
    }
}

/// Makes the files tantivy writes through temporary files as readable as zoek's own.
pub(super) fn fix_modes(generation: &Path) {
    let like = generation.join(META_FILE);
    for name in ["meta.json", ".managed.json"] {
        set_mode_like(&generation.join(name), &like);
    }
}
