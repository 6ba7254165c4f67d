//! Watching the project's inputs for `serve`, debounced: a save that writes a
//! file in several steps (or an editor that writes a temporary file and
//! renames it) gives one rebuild.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{Event, EventHandler, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use notify_debouncer_mini::{Config, DebounceEventResult, Debouncer, new_debouncer_opt};

use super::{Message, ServeError};

/// How long the files must stay quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// The folders whose files are inputs of a build.
const INPUT_DIRS: &[&str] = &["content", "data", "themes"];

/// Whether a change at `rel` (relative to the project) is a change of an
/// input: `config.yaml`, or a file under `content/`, `data/` or `themes/`
/// that is not hidden and not an editor's backup or swap file.
pub fn is_input(rel: &Path) -> bool {
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    let Some(first) = parts.first() else {
        return false;
    };
    if parts.len() == 1 {
        return *first == "config.yaml" || INPUT_DIRS.contains(first);
    }
    if !INPUT_DIRS.contains(first) {
        return false;
    }
    let name = parts.last().copied().unwrap_or_default();
    let editor_file = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    !editor_file && !parts.iter().any(|p| p.starts_with('.'))
}

/// The system's watcher, passing on only events that change a file. The
/// build itself opens and reads every input, and the system reports each
/// open (inotify's `IN_OPEN`) as an access; were those passed on, every
/// build would start the next one.
pub struct ChangesOnly(RecommendedWatcher);

/// Whether an event of this kind may change what a build makes: anything
/// but opening or reading a file (closing a file written to counts).
pub fn changes_files(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

impl Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut event_handler: F, config: notify::Config) -> notify::Result<Self> {
        let inner = RecommendedWatcher::new(
            move |event: notify::Result<Event>| match event {
                Ok(event) if !changes_files(&event.kind) => {}
                other => event_handler.handle_event(other),
            },
            config,
        )?;
        Ok(ChangesOnly(inner))
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, recursive_mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// Start watching `project`: its top folder (for `config.yaml` and input
/// folders made later) and each input folder, recursively. The output of
/// `build` (`public/`), `.outreach-cache/` and `.git/` are not watched.
/// Changes go to `tx` as [`Message::Changed`].
pub fn start(project: &Path, temp: &Path, tx: Sender<Message>) -> Result<Watch, ServeError> {
    let root = project.to_path_buf();
    let watched_root = std::fs::canonicalize(project).unwrap_or_else(|_| root.clone());
    let temp = temp.to_path_buf();
    let inputs_tx = tx.clone();
    let config = Config::default().with_timeout(DEBOUNCE);
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let mut paths: Vec<String> = events
                .iter()
                .filter(|e| !e.path.starts_with(&temp))
                .filter_map(|e| {
                    e.path
                        .strip_prefix(&root)
                        .or_else(|_| e.path.strip_prefix(&watched_root))
                        .ok()
                        .map(Path::to_path_buf)
                })
                .filter(|rel| is_input(rel))
                .map(|rel| rel.to_string_lossy().replace('\\', "/"))
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = inputs_tx.send(Message::Changed(paths));
            }
        }
        Err(e) => {
            let _ = tx.send(Message::WatchError(e.to_string()));
        }
    };
    let mut debouncer = new_debouncer_opt::<_, ChangesOnly>(config, handler)?;
    debouncer
        .watcher()
        .watch(project, RecursiveMode::NonRecursive)?;
    let mut watch = Watch {
        debouncer,
        project: project.to_path_buf(),
        watched: Vec::new(),
    };
    watch.refresh()?;
    Ok(watch)
}

/// The watcher of a project; dropping it stops watching.
pub struct Watch {
    debouncer: Debouncer<ChangesOnly>,
    project: PathBuf,
    /// The input folders watched recursively.
    watched: Vec<PathBuf>,
}

impl Watch {
    /// Watch each input folder that exists now and is not watched yet (one
    /// made after `serve` started, e.g. a first `data/` folder).
    pub fn refresh(&mut self) -> Result<(), ServeError> {
        for dir in INPUT_DIRS {
            let path = self.project.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.debouncer
                    .watcher()
                    .watch(&path, RecursiveMode::Recursive)?;
                self.watched.push(path);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_file_is_not_a_change() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        assert!(!changes_files(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_files(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(changes_files(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(changes_files(&EventKind::Create(CreateKind::File)));
        assert!(changes_files(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
    }

    #[test]
    fn inputs_are_config_and_the_input_folders_without_editor_files() {
        for input in [
            "config.yaml",
            "content/faq/trial.md",
            "content/municipalities/221007/guides/flow.md",
            "data/adoption/2026-12-01.csv",
            "themes/default/templates/base.html",
            "content",
        ] {
            assert!(is_input(Path::new(input)), "{input}");
        }
        for other in [
            "public/index.html",
            ".outreach-cache/0123.manifest",
            ".git/index",
            "README.md",
            "content/faq/.trial.md.swp",
            "content/faq/trial.md~",
            "content/faq/4913",
            "content/.hidden/a.md",
            "config.yaml.bak/x",
        ] {
            assert!(!is_input(Path::new(other)), "{other}");
        }
    }
}
