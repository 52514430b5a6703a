# Each room keeps its models in its own models.py; Django finds them here, under the app's label.
from analysis.assessment.models import AssessmentScore  # noqa: F401
from analysis.income.models import IncomeSnapshot  # noqa: F401
