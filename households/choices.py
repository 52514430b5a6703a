"""The enumerations of the registry (domain.md), English values with Chinese labels."""

from django.db import models


class AreaLevel(models.TextChoices):
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "行政村"


class ReviewLevel(models.TextChoices):
    """The level whose staff act on a ticket or a change request: a change request is reviewed
    at the township (a clerk's) or the county (a township reviewer's); a ticket is verified at
    the village and closed at its final level, the township or the county (domain.md)."""

    VILLAGE = "village", "村级"
    TOWNSHIP = "township", "乡镇"
    COUNTY = "county", "县级"


class HouseholdType(models.TextChoices):
    ALLEVIATED = "alleviated", "脱贫户"
    ORDINARY = "ordinary", "一般农户"


class MonitoringType(models.TextChoices):
    UNSTABLE = "unstable", "脱贫不稳定户"
    MARGINAL = "marginal", "边缘易致贫户"
    SUDDEN_HARDSHIP = "sudden", "突发严重困难户"


class RiskStatus(models.TextChoices):
    UNRESOLVED = "unresolved", "风险未消除"
    ELIMINATED = "eliminated", "风险已消除"


class RiskType(models.TextChoices):
    ILLNESS = "illness", "因病"
    DISABILITY = "disability", "因残"
    SCHOOLING = "schooling", "因学"
    DISASTER = "disaster", "因灾"
    ACCIDENT = "accident", "因意外事故"
    PROJECT_FAILURE = "project_failure", "因产业项目失败"
    UNSTABLE_WORK = "unstable_work", "因务工就业不稳"
    NO_LABOUR = "no_labour", "缺劳动力"
    HOUSING = "housing", "住房安全问题"
    COMPULSORY_EDUCATION = "compulsory_education", "义务教育保障问题"
    MEDICAL_COVER = "medical_cover", "基本医疗保障问题"
    DRINKING_WATER = "drinking_water", "饮水安全问题"
    OTHER = "other", "其他"


class RemovalReason(models.TextChoices):
    """Why a household was removed from the registry (核减)."""

    EXTINCT = "extinct", "自然消亡"
    MISIDENTIFIED = "misidentified", "识别不准"
    MOVED_AWAY = "moved_away", "迁出"
    OTHER = "other", "其他"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Relationship(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    SON = "son", "之子"
    DAUGHTER = "daughter", "之女"
    DAUGHTER_IN_LAW = "daughter_in_law", "之儿媳"
    SON_IN_LAW = "son_in_law", "之女婿"
    GRANDSON = "grandson", "之孙子"
    GRANDDAUGHTER = "granddaughter", "之孙女"
    FATHER = "father", "之父"
    MOTHER = "mother", "之母"
    SIBLING = "sibling", "之兄弟姐妹"
    OTHER = "other", "其他"


class Education(models.TextChoices):
    PRESCHOOL_CHILD = "preschool_child", "学龄前儿童"
    ILLITERATE = "illiterate", "文盲或半文盲"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中职"
    COLLEGE = "college", "大专及以上"


class StudentStatus(models.TextChoices):
    NOT_STUDENT = "not_student", "非在校生"
    PRESCHOOL = "preschool", "学前教育"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中职"
    HIGHER_VOCATIONAL = "higher_vocational", "高职高专"
    UNDERGRADUATE = "undergraduate", "本科及以上"
    DROPOUT = "dropout", "失学辍学"
    HOME_TAUGHT = "home_taught", "送教上门"


class Health(models.TextChoices):
    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "长期慢性病"
    MAJOR_ILLNESS = "major_illness", "患有大病"


class DisabilityGrade(models.TextChoices):
    NONE = "none", "无"
    GRADE_1 = "grade_1", "一级"
    GRADE_2 = "grade_2", "二级"
    GRADE_3 = "grade_3", "三级"
    GRADE_4 = "grade_4", "四级"


class LabourAbility(models.TextChoices):
    SKILLED = "skilled", "技能劳动力"
    ORDINARY = "ordinary", "普通劳动力"
    WEAK = "weak", "弱劳动力或半劳动力"
    LOST = "lost", "丧失劳动力"
    NONE = "none", "无劳动力"


class Employment(models.TextChoices):
    NONE = "none", "未务工"
    IN_TOWNSHIP = "in_township", "乡镇内务工"
    IN_COUNTY = "in_county", "县内乡外务工"
    IN_PROVINCE = "in_province", "省内县外务工"
    OUT_OF_PROVINCE = "out_of_province", "省外务工"


class MedicalInsurance(models.TextChoices):
    RESIDENT = "resident", "城乡居民基本医疗保险"
    EMPLOYEE = "employee", "职工基本医疗保险"
    NONE = "none", "未参保"


class PensionInsurance(models.TextChoices):
    RESIDENT = "resident", "城乡居民基本养老保险"
    EMPLOYEE = "employee", "职工基本养老保险"
    NONE = "none", "未参保"


class MemberStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    DECEASED = "deceased", "死亡"
    MOVED_OUT = "moved_out", "迁出"


class JoinReason(models.TextChoices):
    """Why a member was added to a household (新增成员)."""

    BIRTH = "birth", "出生"
    MARRIED_IN = "married_in", "婚入"
    MOVED_IN = "moved_in", "其他迁入"


class LeaveReason(models.TextChoices):
    """Why a member left a household (减少成员); death sets 死亡, every other reason 迁出."""

    DIED = "died", "死亡"
    MOVED_OUT = "moved_out", "迁出"
    MARRIED_OUT = "married_out", "婚出"
    OTHER = "other", "其他"


class MeasureType(models.TextChoices):
    INDUSTRY = "industry", "产业帮扶"
    EMPLOYMENT = "employment", "就业帮扶"
    COURTYARD = "courtyard", "庭院经济"
    EDUCATION = "education", "教育帮扶"
    HEALTH = "health", "健康帮扶"
    HOUSING = "housing", "住房保障"
    WATER = "water", "饮水保障"
    SAFETY_NET = "safety_net", "兜底保障"
    MICROCREDIT = "microcredit", "小额信贷"
    PUBLIC_WELFARE_JOB = "public_welfare_job", "公益性岗位"
    OTHER = "other", "其他"


class IdentificationSource(models.TextChoices):
    """识别来源: the channel through which a monitoring object was found."""

    SELF_REPORT = "self_report", "农户自主申报"
    CADRE_SCREENING = "cadre_screening", "基层干部排查"
    DEPARTMENT_WARNING = "department_warning", "部门筛查预警"
    SYSTEM_WARNING = "system_warning", "系统风险预警"


class EliminationMethod(models.TextChoices):
    """风险消除方式."""

    ASSISTED = "assisted", "帮扶消除"
    NATURAL = "natural", "自然消除"


class MeasureNature(models.TextChoices):
    """开发式帮扶 helps a household earn; 兜底保障 keeps it above the line when it cannot."""

    DEVELOPMENTAL = "developmental", "开发式"
    SAFETY_NET = "safety_net", "兜底"


class MeasureState(models.TextChoices):
    PLANNED = "planned", "计划"
    DONE = "done", "已落实"
