"""The coordinator's overview and its two small choosing pages, built at national scale: residents and staff
a page at a time, and the advisors offered from one list per page, never a form per row."""

from __future__ import annotations

from sqlmodel import Session

from ..auth import services as accounts
from ..coordinator import services
from ..coordinator.forms import ROLE_LABELS, AreaForm, AssignForm, UserAreaForm
from ..models import HousingArea, User


def overview_page(
    db: Session,
    *,
    wanted: services.ResidentFilter,
    staff_page: int = 1,
    areas_page: int = 1,
    back: str,
    area_form: AreaForm | None = None,
) -> tuple[str, dict]:
    """`back`: this page's own address with what was asked, where a choice made on it returns to."""
    lists = services.resident_lists(db, wanted)
    staff, more_staff = services.staff(db, page=staff_page)
    areas = services.areas(db)
    shown = lists.unassigned + lists.residents
    by_area, everyone = services.offered_advisors(db, {r.housing_area_id for r, _ in shown if r.housing_area_id})

    def offered(resident: User) -> list[tuple[int, str]]:
        """The short list at a resident's row: the advisors of their area first (only those, for a resident
        nobody follows yet, as advisors of the area see them too), then everyone if they are few."""
        in_area = by_area.get(resident.housing_area_id, [])
        if resident.advisor_id is None and in_area:
            return in_area
        return in_area + [advisor for advisor in everyone if advisor not in in_area]

    active_areas = [(area.id, area.name) for area in areas if area.active]
    return (
        "coordinator/overview.html",
        {
            "lists": lists,
            "offered": offered,
            "wanted": wanted,
            "searched": bool(wanted.search.strip() or wanted.area_id is not None),
            "staff": staff,
            "staff_page": staff_page,
            "more_staff": more_staff,
            "areas": areas,  # all, for the search's choice of area
            # The list to manage, a page at a time: 400 areas at national scale.
            "areas_shown": areas[(areas_page - 1) * services.PAGE_SIZE : areas_page * services.PAGE_SIZE],
            "areas_page": areas_page,
            "more_areas": len(areas) > areas_page * services.PAGE_SIZE,
            "area_names": {area.id: area.name for area in areas},
            # The areas an advisor can be given, at their row if there are few; else on a page of their own.
            "area_choices": active_areas if len(active_areas) <= services.SHORT_LIST else None,
            "area_form": area_form or AreaForm(formdata=None),
            "role_labels": ROLE_LABELS,
            "is_locked": accounts.is_locked,
            "back": back,
        },
    )


def choose_advisor_page(
    db: Session, *, resident: User, form: AssignForm, advisors: list[tuple[int, str, bool]], back: str
) -> tuple[str, dict]:
    """Every active advisor for one resident: those of the resident's area first, none chosen beforehand."""
    area = db.get(HousingArea, resident.housing_area_id) if resident.housing_area_id else None
    advisor = db.get(User, resident.advisor_id) if resident.advisor_id else None
    return "coordinator/choose_advisor.html", {
        "resident": resident,
        "form": form,
        "area": area,
        "advisor": advisor,
        "in_area": [(user_id, name) for user_id, name, here in advisors if here],
        "others": [(user_id, name) for user_id, name, here in advisors if not here],
        "back": back,
    }


def choose_area_page(db: Session, *, user: User, form: UserAreaForm, back: str) -> tuple[str, dict]:
    return "coordinator/choose_area.html", {"user": user, "form": form, "back": back}
