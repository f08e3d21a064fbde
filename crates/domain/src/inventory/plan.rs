//! Scan planning: which list calls cover every credential the user administers, and a small
//! reducer the page drives while the answers come in.
//!
//! The plan asks only where GitLab would answer: a project's lists need Maintainer, a group's
//! access tokens Owner and its deploy tokens Maintainer (the roles are read from each kind's
//! [`Spec`](crate::kind::Spec), not repeated here). Every call names what it is for (a
//! [`Target`]: a kind in a place), so rows and failures are attributed without parsing paths.
//!
//! [`Scan`] keeps a queue with a bound on calls in flight, follows pages, counts progress,
//! drops rows seen twice (offset pages shift when tokens are added during a scan), keeps one
//! failure per target with the call to retry, and keeps what it found when cancelled.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::error::ApiError;
use crate::features::Feature;
use crate::kind::{settings_url, Kind, Owner, OwnerType};
use crate::models::{Credential, Place, User};
use crate::pagination::PageInfo;
use crate::request::{self, ApiRequest, ProjectRef};
use crate::role::AccessLevel;

/// Calls handed to the browser at once. Over HTTP/1.1 a browser opens six connections to a host
/// and queues the rest, so six more waiting in its queue keep every connection busy while the
/// page is still reading an answer (with six, each connection sat idle for the few
/// milliseconds between an answer and the page's next call). Over HTTP/2 all twelve go at once.
/// A 429 from GitLab's rate limits is backed off and retried by the client.
pub const MAX_IN_FLIGHT: usize = 12;

/// Pages followed per list at most (100 rows each): a server that keeps answering "next page"
/// must not keep a scan alive forever.
pub const MAX_PAGES: u32 = 1000;

/// A project or group the user can see, and their role there. None: not a member, which an
/// administrator may still manage.
#[derive(Clone, Debug, PartialEq)]
pub struct Reach {
    pub place: Place,
    pub role: Option<AccessLevel>,
}

/// What a plan is made from.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    pub user: &'a User,
    pub projects: &'a [Reach],
    pub groups: &'a [Reach],
    /// `GET /version`, for kinds only newer GitLab versions have.
    pub version: &'a str,
}

/// Index of a [`Target`] in its plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetId(pub u32);

/// One list to read: a kind in a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub kind: Kind,
    /// By numeric id: shorter URLs, and a rename during the scan changes nothing.
    pub owner: Owner,
    /// The project's or group's full path; empty for personal tokens.
    pub path: String,
    /// What the table shows as the place.
    pub name: String,
    /// The user's role there, when known: what they may do to the tokens found.
    pub role: Option<AccessLevel>,
}

impl Target {
    /// The list call for `page`, 100 rows a page.
    pub fn request(&self, page: u32) -> ApiRequest {
        request::list(&self.owner, self.kind, page)
    }

    /// The kind's page in GitLab for this place.
    pub fn settings_url(&self, base: &str) -> String {
        settings_url(base, self.kind, &self.path)
    }
}

/// A call to make, and what it is for.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub target: TargetId,
    pub page: u32,
    pub request: ApiRequest,
}

/// A kind in a place the plan leaves out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub kind: Kind,
    /// Empty when the kind is left out everywhere (the instance is too old for it).
    pub path: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanPlan {
    pub targets: Vec<Target>,
    /// The first page of every target, in target order.
    pub requests: Vec<Planned>,
    pub skipped: Vec<Skipped>,
}

impl ScanPlan {
    fn add(&mut self, target: Target) {
        let id = TargetId(self.targets.len() as u32);
        self.requests.push(Planned {
            target: id,
            page: 1,
            request: target.request(1),
        });
        self.targets.push(target);
    }
}

/// Every list call that covers what `input.user` administers: their personal tokens (everyone's
/// for an administrator) once, then each project's and group's kinds where their role lets
/// them list. A place given twice is planned once.
pub fn plan(input: &PlanInput) -> ScanPlan {
    let admin = input.user.is_admin;
    let mut out = ScanPlan::default();
    let (owner, name) = if admin {
        (Owner::Instance, "All users")
    } else {
        (Owner::Me, "You")
    };
    out.add(Target {
        kind: Kind::PersonalAccessToken,
        owner,
        path: String::new(),
        name: name.into(),
        role: None,
    });
    let too_old = |kind: Kind| -> Option<String> {
        let feature = match kind {
            Kind::GroupAccessToken => Feature::GroupAccessTokens,
            _ => return None,
        };
        feature.explain(input.version)
    };
    for (owner_type, places) in [
        (OwnerType::Project, input.projects),
        (OwnerType::Group, input.groups),
    ] {
        let mut seen = HashSet::new();
        for kind in owner_type.kinds() {
            if let Some(why) = too_old(*kind) {
                out.skipped.push(Skipped {
                    kind: *kind,
                    path: String::new(),
                    reason: why,
                });
            }
        }
        for reach in places {
            if !seen.insert(reach.place.id) {
                continue;
            }
            let place = &reach.place;
            for &kind in owner_type.kinds() {
                if too_old(kind).is_some() {
                    continue;
                }
                let needed = kind.spec().roles.view;
                if !admin && reach.role.is_none_or(|r| r < needed) {
                    out.skipped.push(Skipped {
                        kind,
                        path: place.path_with_namespace.clone(),
                        reason: format!(
                            "Listing {}s needs the {} role; you are {}.",
                            kind.label(),
                            needed.label(),
                            reach.role.map_or("not a member", AccessLevel::label)
                        ),
                    });
                    continue;
                }
                let id = ProjectRef::Id(place.id);
                out.add(Target {
                    kind,
                    owner: match owner_type {
                        OwnerType::Group => Owner::Group(id),
                        _ => Owner::Project(id),
                    },
                    path: place.path_with_namespace.clone(),
                    name: place.title().to_string(),
                    role: reach.role,
                });
            }
        }
    }
    out
}

/// Which list a discovery call reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discovery {
    /// Projects where the user is at least Maintainer (every project kind's listing role).
    Projects,
    /// Groups where the user is at least Maintainer (group deploy tokens).
    Groups,
    /// Groups the user owns (group access tokens).
    OwnedGroups,
    /// Projects the user owns: only an Owner may rotate a token with the Owner role.
    OwnedProjects,
}

/// The first pages of the lists that find where the user can list credentials, before a plan
/// can be made. With `whole_instance` (administrators only) every project and group.
/// Two group lists, because GitLab's group list does not say the caller's role; the owned
/// ones are those in both.
pub fn discovery(whole_instance: bool) -> Vec<(Discovery, ApiRequest)> {
    let per = request::PER_PAGE;
    if whole_instance {
        return vec![
            (Discovery::Projects, request::projects(None, "", 1, per)),
            (Discovery::Groups, request::groups(None, "", 1, per)),
        ];
    }
    vec![
        (
            Discovery::Projects,
            request::projects(Some(AccessLevel::Maintainer), "", 1, per),
        ),
        (
            Discovery::Groups,
            request::groups(Some(AccessLevel::Maintainer), "", 1, per),
        ),
        (
            Discovery::OwnedGroups,
            request::groups(Some(AccessLevel::Owner), "", 1, per),
        ),
        (
            Discovery::OwnedProjects,
            request::projects(Some(AccessLevel::Owner), "", 1, per),
        ),
    ]
}

/// Roles from the discovery lists: Owner where the place is in its owned list, else
/// Maintainer. With `whole_instance` no role is known (an administrator needs none).
pub fn reach_from(
    projects: Vec<Place>,
    groups: Vec<Place>,
    owned_projects: &[Place],
    owned_groups: &[Place],
    whole_instance: bool,
) -> (Vec<Reach>, Vec<Reach>) {
    let role = |level| (!whole_instance).then_some(level);
    let reach = |places: Vec<Place>, owned: &[Place]| -> Vec<Reach> {
        let owned: HashSet<u64> = owned.iter().map(|p| p.id).collect();
        places
            .into_iter()
            .map(|place| {
                let level = if owned.contains(&place.id) {
                    AccessLevel::Owner
                } else {
                    AccessLevel::Maintainer
                };
                Reach {
                    place,
                    role: role(level),
                }
            })
            .collect()
    };
    let projects = reach(projects, owned_projects);
    let groups = reach(groups, owned_groups);
    (projects, groups)
}

/// The call for the page after `answered`, when there is one: GitLab's headers say so, the
/// page was not empty, and the list is not past [`MAX_PAGES`].
pub fn next_page(answered: &Planned, info: &PageInfo, received: usize) -> Option<Planned> {
    let next = info.next_page?;
    if received == 0 || next <= answered.page || next > MAX_PAGES {
        return None;
    }
    Some(Planned {
        target: answered.target,
        page: next,
        request: answered.request.at_page(next)?,
    })
}

/// What happened to a planned call, or what the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A page arrived: its rows and pagination headers.
    Answered {
        planned: Planned,
        items: Vec<Credential>,
        info: PageInfo,
    },
    Failed {
        planned: Planned,
        error: ApiError,
    },
    /// Try a failed target again.
    Retry(TargetId),
    RetryAll,
    /// Start no more calls. What was found stays; answers to calls already in flight are
    /// still recorded, but their next pages wait for [`Event::Resume`].
    Cancel,
    /// Carry on after a cancel.
    Resume,
    /// Read these targets again from their first page (after the page changed their
    /// credentials): what was found in them is dropped until the new answers arrive.
    Refresh(Vec<TargetId>),
}

/// A target whose list could not be read completely.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The call that failed; the pages before it were read.
    pub planned: Planned,
    pub error: ApiError,
}

/// A credential found, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub target: TargetId,
    pub credential: Credential,
}

/// Counts for the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Calls made or still to make (follow-up pages and retries add to it).
    pub planned: usize,
    /// Calls answered, successfully or not.
    pub done: usize,
    pub in_flight: usize,
    /// Targets whose reading failed and was not retried.
    pub failed: usize,
    /// Credentials found (after dropping repeats).
    pub found: usize,
    /// Calls a cancel held back.
    pub held: usize,
    pub cancelled: bool,
    /// Nothing in flight and nothing left to send.
    pub finished: bool,
}

/// The same credential seen again: personal, project and group access tokens share one id
/// space in GitLab (all are personal access tokens underneath, and an administrator's list
/// has the bots' ones too); so do project and group deploy tokens. A deploy key enabled in
/// several projects has one id, but lives in each, so its place is part of the identity.
fn identity(kind: Kind, target: TargetId, id: u64) -> (u8, u32, u64) {
    match kind {
        Kind::PersonalAccessToken | Kind::ProjectAccessToken | Kind::GroupAccessToken => (0, 0, id),
        Kind::ProjectDeployToken | Kind::GroupDeployToken => (1, 0, id),
        Kind::DeployKey => (2, target.0, id),
        Kind::TriggerToken => (3, 0, id),
    }
}

/// A scan in progress. The page calls [`Scan::take_next`] until it returns None, sends each
/// call, and feeds every answer back through [`Scan::apply`].
#[derive(Clone, Debug)]
pub struct Scan {
    targets: Vec<Target>,
    queue: VecDeque<Planned>,
    held: Vec<Planned>,
    limit: usize,
    in_flight: usize,
    planned: usize,
    done: usize,
    found: Vec<Found>,
    seen: HashMap<(u8, u32, u64), usize>,
    failures: Vec<Failure>,
    cancelled: bool,
    skipped: Vec<Skipped>,
}

impl Scan {
    /// `limit` calls in flight at most (at least one).
    pub fn new(plan: ScanPlan, limit: usize) -> Scan {
        Scan {
            planned: plan.requests.len(),
            targets: plan.targets,
            queue: plan.requests.into(),
            held: Vec::new(),
            limit: limit.max(1),
            in_flight: 0,
            done: 0,
            found: Vec::new(),
            seen: HashMap::new(),
            failures: Vec::new(),
            cancelled: false,
            skipped: plan.skipped,
        }
    }

    /// The next call to send, if one may start now.
    pub fn take_next(&mut self) -> Option<Planned> {
        if self.cancelled || self.in_flight >= self.limit {
            return None;
        }
        let next = self.queue.pop_front()?;
        self.in_flight += 1;
        Some(next)
    }

    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Answered {
                planned,
                items,
                info,
            } => {
                self.finish_call();
                let received = items.len();
                for credential in items {
                    self.record(planned.target, credential);
                }
                if let Some(next) = next_page(&planned, &info, received) {
                    self.enqueue(next);
                }
            }
            Event::Failed { planned, error } => {
                self.finish_call();
                self.failures.retain(|f| f.planned.target != planned.target);
                self.failures.push(Failure { planned, error });
            }
            Event::Retry(target) => {
                if let Some(i) = self
                    .failures
                    .iter()
                    .position(|f| f.planned.target == target)
                {
                    let failure = self.failures.remove(i);
                    self.enqueue(failure.planned);
                }
            }
            Event::RetryAll => {
                for failure in std::mem::take(&mut self.failures) {
                    self.enqueue(failure.planned);
                }
            }
            Event::Cancel => {
                if !self.cancelled {
                    self.cancelled = true;
                    self.planned -= self.queue.len();
                    self.held.extend(self.queue.drain(..));
                }
            }
            Event::Refresh(targets) => {
                let again = |t: &TargetId| targets.contains(t);
                self.found.retain(|f| !again(&f.target));
                self.failures.retain(|f| !again(&f.planned.target));
                self.seen = self
                    .found
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let kind = self.targets[f.target.0 as usize].kind;
                        (identity(kind, f.target, f.credential.id), i)
                    })
                    .collect();
                for &target in &targets {
                    if let Some(t) = self.targets.get(target.0 as usize) {
                        let planned = Planned {
                            target,
                            page: 1,
                            request: t.request(1),
                        };
                        self.enqueue(planned);
                    }
                }
            }
            Event::Resume => {
                if self.cancelled {
                    self.cancelled = false;
                    for planned in std::mem::take(&mut self.held) {
                        self.enqueue(planned);
                    }
                }
            }
        }
    }

    /// An answer (of either kind) to a call the page sent.
    fn finish_call(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.done += 1;
    }

    fn enqueue(&mut self, planned: Planned) {
        if self.cancelled {
            self.held.push(planned);
        } else {
            self.planned += 1;
            self.queue.push_back(planned);
        }
    }

    /// Adds a credential, or refreshes the one already seen. A token that turns up both in an
    /// administrator's list of everyone's tokens and in its project or group stays under the
    /// project or group, which says more about it.
    fn record(&mut self, target: TargetId, credential: Credential) {
        let Some(kind) = self.targets.get(target.0 as usize).map(|t| t.kind) else {
            return;
        };
        let key = identity(kind, target, credential.id);
        match self.seen.get(&key) {
            Some(&i) => {
                let old = &mut self.found[i];
                let old_kind = self.targets[old.target.0 as usize].kind;
                let less_specific =
                    kind == Kind::PersonalAccessToken && old_kind != Kind::PersonalAccessToken;
                if !less_specific {
                    *old = Found { target, credential };
                }
            }
            None => {
                self.seen.insert(key, self.found.len());
                self.found.push(Found { target, credential });
            }
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            planned: self.planned,
            done: self.done,
            in_flight: self.in_flight,
            failed: self.failures.len(),
            found: self.found.len(),
            held: self.held.len(),
            cancelled: self.cancelled,
            finished: self.in_flight == 0 && (self.cancelled || self.queue.is_empty()),
        }
    }

    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// # Panics
    /// Never for an id taken from this scan; ids from another scan are a caller bug.
    pub fn target(&self, id: TargetId) -> &Target {
        &self.targets[id.0 as usize]
    }

    /// Everything found so far, in the order first seen.
    pub fn found(&self) -> &[Found] {
        &self.found
    }

    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// What the plan left out, and why.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::request::Method;

    fn user(admin: bool) -> User {
        User {
            id: 1,
            username: "maria".into(),
            name: "Maria".into(),
            is_admin: admin,
        }
    }

    fn place(id: u64, path: &str) -> Place {
        Place {
            id,
            name: path.rsplit('/').next().unwrap_or(path).into(),
            path_with_namespace: path.into(),
            ..Place::default()
        }
    }

    fn reach(id: u64, path: &str, role: Option<AccessLevel>) -> Reach {
        Reach {
            place: place(id, path),
            role,
        }
    }

    fn paths(plan: &ScanPlan) -> Vec<String> {
        plan.requests
            .iter()
            .map(|p| p.request.path.clone())
            .collect()
    }

    #[test]
    fn a_member_gets_the_lists_their_roles_allow() {
        let projects = [
            reach(1, "demo/web", Some(AccessLevel::Maintainer)),
            reach(2, "demo/api", Some(AccessLevel::Developer)),
            reach(1, "demo/web", Some(AccessLevel::Maintainer)),
        ];
        let groups = [
            reach(10, "demo", Some(AccessLevel::Owner)),
            reach(11, "ops", Some(AccessLevel::Maintainer)),
            reach(12, "guests", Some(AccessLevel::Reporter)),
        ];
        let me = user(false);
        let plan = plan(&PlanInput {
            user: &me,
            projects: &projects,
            groups: &groups,
            version: "17.9.0",
        });
        assert_eq!(
            paths(&plan),
            [
                "/personal_access_tokens",
                "/projects/1/access_tokens",
                "/projects/1/deploy_tokens",
                "/projects/1/deploy_keys",
                "/projects/1/triggers",
                "/groups/10/access_tokens",
                "/groups/10/deploy_tokens",
                "/groups/11/deploy_tokens",
            ]
        );
        for p in &plan.requests {
            assert_eq!(p.request.method, Method::Get);
            assert_eq!(p.request.query_value("per_page"), Some("100"));
            assert_eq!(p.request.query_value("page"), Some("1"));
            assert_eq!(p.page, 1);
            assert_eq!(plan.targets[p.target.0 as usize].request(1), p.request);
        }
        // Own tokens only: no user filter, no instance list.
        assert_eq!(plan.requests[0].request.query_value("user_id"), None);
        assert_eq!(plan.targets[0].owner, Owner::Me);
        let t = &plan.targets[1];
        assert_eq!(
            (t.kind, t.path.as_str(), t.name.as_str()),
            (Kind::ProjectAccessToken, "demo/web", "web")
        );
        // The Developer project: four kinds skipped; ops: access tokens; guests: both.
        let skipped: Vec<(&str, Kind)> = plan
            .skipped
            .iter()
            .map(|s| (s.path.as_str(), s.kind))
            .collect();
        assert_eq!(
            skipped,
            [
                ("demo/api", Kind::ProjectAccessToken),
                ("demo/api", Kind::ProjectDeployToken),
                ("demo/api", Kind::DeployKey),
                ("demo/api", Kind::TriggerToken),
                ("ops", Kind::GroupAccessToken),
                ("guests", Kind::GroupAccessToken),
                ("guests", Kind::GroupDeployToken),
            ]
        );
        assert_eq!(
            plan.skipped[4].reason,
            "Listing group access tokens needs the Owner role; you are Maintainer."
        );
    }

    #[test]
    fn an_admin_lists_everyone_and_everything() {
        let projects = [
            reach(1, "a/b", None),
            reach(2, "c", Some(AccessLevel::Guest)),
        ];
        let groups = [reach(10, "a", None)];
        let root = user(true);
        let plan = plan(&PlanInput {
            user: &root,
            projects: &projects,
            groups: &groups,
            version: "18.0.0",
        });
        assert_eq!(plan.requests.len(), 1 + 4 + 4 + 2);
        assert!(plan.skipped.is_empty());
        assert_eq!(plan.targets[0].owner, Owner::Instance);
        assert_eq!(plan.requests[0].request.path, "/personal_access_tokens");
        assert_eq!(plan.requests[0].request.query_value("user_id"), None);
    }

    #[test]
    fn old_instances_have_no_group_access_tokens() {
        let groups = [reach(10, "a", Some(AccessLevel::Owner))];
        let me = user(false);
        let plan = plan(&PlanInput {
            user: &me,
            projects: &[],
            groups: &groups,
            version: "14.6.2",
        });
        assert_eq!(
            paths(&plan),
            ["/personal_access_tokens", "/groups/10/deploy_tokens"]
        );
        assert_eq!(plan.skipped.len(), 1);
        assert_eq!(plan.skipped[0].path, "");
        assert!(plan.skipped[0].reason.contains("14.7"));
    }

    #[test]
    fn discovery_finds_roles_from_the_owned_lists() {
        let calls = discovery(false);
        assert_eq!(calls.len(), 4);
        assert_eq!(calls[0].1.query_value("min_access_level"), Some("40"));
        assert_eq!(calls[1].1.query_value("min_access_level"), Some("40"));
        assert_eq!(calls[2].1.query_value("min_access_level"), Some("50"));
        assert_eq!(calls[3].0, Discovery::OwnedProjects);
        assert_eq!(calls[3].1.query_value("min_access_level"), Some("50"));
        assert!(calls
            .iter()
            .all(|(_, r)| r.query_value("per_page") == Some("100")));
        let all = discovery(true);
        assert!(all
            .iter()
            .all(|(_, r)| r.query_value("min_access_level").is_none()));
        let (projects, groups) = reach_of();
        assert_eq!(projects[0].role, Some(AccessLevel::Maintainer));
        assert_eq!(
            projects[1].role,
            Some(AccessLevel::Owner),
            "an owned project"
        );
        assert_eq!(groups[0].role, Some(AccessLevel::Owner));
        assert_eq!(groups[1].role, Some(AccessLevel::Maintainer));
        let (projects, groups) =
            reach_from(vec![place(1, "p")], vec![place(2, "g")], &[], &[], true);
        assert_eq!((projects[0].role, groups[0].role), (None, None));
    }

    fn reach_of() -> (Vec<Reach>, Vec<Reach>) {
        reach_from(
            vec![place(1, "g/p"), place(10, "g/q")],
            vec![place(10, "g"), place(11, "h")],
            &[place(10, "g/q")],
            &[place(10, "g")],
            false,
        )
    }

    fn info(page: u32, next: Option<u32>) -> PageInfo {
        PageInfo {
            page,
            per_page: 100,
            next_page: next,
            ..PageInfo::default()
        }
    }

    fn token(id: u64) -> Credential {
        Credential {
            id,
            name: format!("t{id}"),
            ..Credential::default()
        }
    }

    fn scan_of(projects: &[Reach], admin: bool, limit: usize) -> Scan {
        let u = user(admin);
        Scan::new(
            plan(&PlanInput {
                user: &u,
                projects,
                groups: &[],
                version: "18.0.0",
            }),
            limit,
        )
    }

    #[test]
    fn next_pages_follow_the_headers_and_stop() {
        let first = Planned {
            target: TargetId(0),
            page: 1,
            request: request::list(&Owner::Me, Kind::PersonalAccessToken, 1),
        };
        let next = next_page(&first, &info(1, Some(2)), 100).unwrap();
        assert_eq!((next.page, next.target), (2, TargetId(0)));
        assert_eq!(next.request.query_value("page"), Some("2"));
        assert_eq!(next.request.query_value("per_page"), Some("100"));
        assert_eq!(next_page(&first, &info(1, None), 100), None);
        assert_eq!(next_page(&first, &info(1, Some(2)), 0), None, "empty page");
        assert_eq!(next_page(&first, &info(1, Some(1)), 100), None, "backwards");
        let last = Planned {
            page: MAX_PAGES,
            ..first.clone()
        };
        assert_eq!(
            next_page(&last, &info(MAX_PAGES, Some(MAX_PAGES + 1)), 100),
            None
        );
    }

    #[test]
    fn the_scan_keeps_a_bounded_number_in_flight() {
        let projects: Vec<Reach> = (1..=5)
            .map(|i| reach(i, &format!("p{i}"), Some(AccessLevel::Maintainer)))
            .collect();
        let mut scan = scan_of(&projects, false, MAX_IN_FLIGHT);
        assert_eq!(scan.progress().planned, 21);
        let mut sent: Vec<Planned> = std::iter::from_fn(|| scan.take_next()).collect();
        assert_eq!(sent.len(), MAX_IN_FLIGHT);
        assert_eq!(scan.progress().in_flight, MAX_IN_FLIGHT);
        let mut answered = 0;
        while let Some(p) = sent.pop() {
            scan.apply(Event::Answered {
                planned: p,
                items: vec![token(1000 + answered)],
                info: info(1, None),
            });
            answered += 1;
            sent.extend(std::iter::from_fn(|| scan.take_next()));
            assert!(scan.progress().in_flight <= MAX_IN_FLIGHT);
        }
        let p = scan.progress();
        assert_eq!((p.planned, p.done, p.found, p.in_flight), (21, 21, 21, 0));
        assert!(p.finished && !p.cancelled);
    }

    #[test]
    fn pages_are_followed_and_repeats_dropped() {
        let mut scan = scan_of(&[], false, 2);
        let first = scan.take_next().unwrap();
        assert_eq!(scan.take_next(), None, "one target only");
        scan.apply(Event::Answered {
            planned: first,
            items: vec![token(1), token(2)],
            info: info(1, Some(2)),
        });
        assert_eq!(scan.progress().planned, 2);
        let second = scan.take_next().unwrap();
        assert_eq!(second.page, 2);
        // The list shifted: token 2 comes again, with fresher data.
        let mut again = token(2);
        again.name = "renamed".into();
        scan.apply(Event::Answered {
            planned: second,
            items: vec![again, token(3)],
            info: info(2, None),
        });
        let names: Vec<&str> = scan
            .found()
            .iter()
            .map(|f| f.credential.name.as_str())
            .collect();
        assert_eq!(names, ["t1", "renamed", "t3"]);
        assert!(scan.progress().finished);
    }

    #[test]
    fn an_admin_sees_bot_tokens_once_under_their_project() {
        let projects = [reach(7, "demo/web", None)];
        let mut scan = scan_of(&projects, true, 10);
        let sent: Vec<Planned> = std::iter::from_fn(|| scan.take_next()).collect();
        let by_path = |path: &str| {
            sent.iter()
                .find(|p| p.request.path == path)
                .unwrap()
                .clone()
        };
        let everyone = by_path("/personal_access_tokens");
        let project = by_path("/projects/7/access_tokens");
        // The project's answer first, then everyone's (which has the bot's token too) ...
        scan.apply(Event::Answered {
            planned: project.clone(),
            items: vec![token(5)],
            info: info(1, None),
        });
        scan.apply(Event::Answered {
            planned: everyone.clone(),
            items: vec![token(5), token(6)],
            info: info(1, None),
        });
        let kinds: Vec<(u64, Kind)> = scan
            .found()
            .iter()
            .map(|f| (f.credential.id, scan.target(f.target).kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (5, Kind::ProjectAccessToken),
                (6, Kind::PersonalAccessToken)
            ]
        );
        // ... and the other way round.
        let mut scan = scan_of(&projects, true, 10);
        while scan.take_next().is_some() {}
        scan.apply(Event::Answered {
            planned: everyone,
            items: vec![token(5)],
            info: info(1, None),
        });
        scan.apply(Event::Answered {
            planned: project,
            items: vec![token(5)],
            info: info(1, None),
        });
        assert_eq!(scan.found().len(), 1);
        assert_eq!(
            scan.target(scan.found()[0].target).kind,
            Kind::ProjectAccessToken
        );
    }

    #[test]
    fn a_shared_deploy_key_is_listed_in_each_project() {
        let projects = [
            reach(1, "a", Some(AccessLevel::Maintainer)),
            reach(2, "b", Some(AccessLevel::Maintainer)),
        ];
        let mut scan = scan_of(&projects, false, 20);
        let sent: Vec<Planned> = std::iter::from_fn(|| scan.take_next()).collect();
        for p in sent {
            let items = if p.request.path.ends_with("/deploy_keys") {
                vec![token(9)]
            } else {
                Vec::new()
            };
            scan.apply(Event::Answered {
                planned: p,
                items,
                info: info(1, None),
            });
        }
        let places: Vec<&str> = scan
            .found()
            .iter()
            .map(|f| scan.target(f.target).path.as_str())
            .collect();
        assert_eq!(places, ["a", "b"]);
    }

    fn error() -> ApiError {
        ApiError {
            kind: ErrorKind::Server,
            status: Some(502),
            message: "Bad gateway".into(),
            fields: Vec::new(),
        }
    }

    #[test]
    fn failures_are_kept_per_target_and_retried() {
        let projects = [reach(1, "a", Some(AccessLevel::Maintainer))];
        let mut scan = scan_of(&projects, false, 10);
        let sent: Vec<Planned> = std::iter::from_fn(|| scan.take_next()).collect();
        assert_eq!(sent.len(), 5);
        let mut sent = sent.into_iter();
        let first = sent.next().unwrap();
        scan.apply(Event::Answered {
            planned: first.clone(),
            items: vec![token(1)],
            info: info(1, Some(2)),
        });
        let page2 = scan.take_next().unwrap();
        scan.apply(Event::Failed {
            planned: page2.clone(),
            error: error(),
        });
        let second = sent.next().unwrap();
        scan.apply(Event::Failed {
            planned: second.clone(),
            error: error(),
        });
        for p in sent {
            scan.apply(Event::Answered {
                planned: p,
                items: Vec::new(),
                info: info(1, None),
            });
        }
        let p = scan.progress();
        assert_eq!((p.failed, p.found, p.done, p.planned), (2, 1, 6, 6));
        assert!(p.finished, "finished, with failures");
        assert_eq!(scan.failures()[0].planned, page2);
        assert_eq!(scan.failures()[0].error.status, Some(502));
        // Retrying one target asks for the page that failed, not the whole list again.
        scan.apply(Event::Retry(page2.target));
        assert_eq!(scan.progress().failed, 1);
        let retried = scan.take_next().unwrap();
        assert_eq!(retried, page2);
        scan.apply(Event::Answered {
            planned: retried,
            items: vec![token(2)],
            info: info(2, None),
        });
        scan.apply(Event::Retry(TargetId(99)));
        scan.apply(Event::RetryAll);
        assert_eq!(scan.take_next().unwrap(), second);
        assert_eq!(scan.progress().planned, 8);
        assert_eq!(scan.failures().len(), 0);
        // A target failing twice keeps one failure.
        scan.apply(Event::Failed {
            planned: second.clone(),
            error: error(),
        });
        scan.apply(Event::Retry(second.target));
        let again = scan.take_next().unwrap();
        scan.apply(Event::Failed {
            planned: again,
            error: error(),
        });
        assert_eq!(scan.failures().len(), 1);
    }

    #[test]
    fn cancel_keeps_what_was_found_and_resume_carries_on() {
        let projects: Vec<Reach> = (1..=3)
            .map(|i| reach(i, &format!("p{i}"), Some(AccessLevel::Maintainer)))
            .collect();
        let mut scan = scan_of(&projects, false, 2);
        let a = scan.take_next().unwrap();
        let b = scan.take_next().unwrap();
        scan.apply(Event::Answered {
            planned: a,
            items: vec![token(1)],
            info: info(1, None),
        });
        scan.apply(Event::Cancel);
        scan.apply(Event::Cancel);
        assert_eq!(scan.take_next(), None);
        let p = scan.progress();
        assert!(p.cancelled && !p.finished, "one call still in flight");
        assert_eq!((p.planned, p.done, p.held), (2, 1, 11));
        // The late answer is kept; its next page waits.
        scan.apply(Event::Answered {
            planned: b,
            items: vec![token(2)],
            info: info(1, Some(2)),
        });
        let p = scan.progress();
        assert!(p.finished);
        assert_eq!((p.found, p.held, p.planned, p.done), (2, 12, 2, 2));
        scan.apply(Event::Resume);
        let rest: Vec<Planned> = std::iter::from_fn(|| scan.take_next()).collect();
        assert_eq!(rest.len(), 2, "bounded again");
        let p = scan.progress();
        assert_eq!((p.planned, p.held, p.cancelled), (14, 0, false));
    }

    #[test]
    fn refresh_reads_changed_targets_again_and_keeps_the_rest() {
        let projects = [reach(1, "a", Some(AccessLevel::Maintainer))];
        let mut scan = scan_of(&projects, false, 10);
        let sent: Vec<Planned> = std::iter::from_fn(|| scan.take_next()).collect();
        let (first, second) = (sent[0].clone(), sent[1].clone());
        for (n, p) in sent.into_iter().enumerate() {
            scan.apply(Event::Answered {
                planned: p,
                items: vec![token(n as u64 + 1), token(n as u64 + 10)],
                info: info(1, None),
            });
        }
        assert_eq!(scan.found().len(), 10);
        scan.apply(Event::Refresh(vec![second.target]));
        assert_eq!(
            scan.found().len(),
            8,
            "the changed list's rows wait for its answer"
        );
        let again = scan.take_next().unwrap();
        assert_eq!(again, second);
        assert_eq!(scan.take_next(), None);
        // Its answer no longer has token 2 (revoked); token 11 is seen again, once.
        scan.apply(Event::Answered {
            planned: again,
            items: vec![token(11)],
            info: info(1, None),
        });
        let ids: Vec<u64> = scan.found().iter().map(|f| f.credential.id).collect();
        assert_eq!(ids.len(), 9);
        assert!(!ids.contains(&2) && ids.contains(&11) && ids.contains(&1));
        assert!(scan.found().iter().any(|f| f.target == first.target));
        assert!(scan.progress().finished);
    }

    #[test]
    fn stray_answers_do_not_break_the_counts() {
        let mut scan = scan_of(&[], false, 1);
        let stray = Planned {
            target: TargetId(42),
            page: 1,
            request: request::current_user(),
        };
        scan.apply(Event::Answered {
            planned: stray,
            items: vec![token(1)],
            info: info(1, Some(2)),
        });
        assert_eq!(scan.progress().in_flight, 0);
        assert_eq!(scan.found().len(), 0);
        assert_eq!(scan.take_next().map(|p| p.target), Some(TargetId(0)));
    }
}
