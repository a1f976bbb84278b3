/**
 * The members of N1's ItemSlips models, as the official client declares them (name:kind; s
 * string, i int?, d double?, b bool?, t DateTime?, e enum, o object or list). The server binds
 * request bodies to these models with Json.NET, so the simulator does what Json.NET does: names
 * match ignoring case, unknown members are dropped, numbers and booleans may come as strings,
 * dates are parsed and written back as ISO datetimes without a zone.
 */
export type Kind = "s" | "i" | "d" | "b" | "t" | "e" | "o";
export type Model = Map<string, { name: string; kind: Kind }>;

const model = (lines: string[]): Model =>
  new Map(
    lines
      .join(" ")
      .split(" ")
      .map((entry) => {
        const [name = "", kind = "o"] = entry.split(":");
        return [name.toLowerCase(), { name, kind: kind as Kind }];
      }),
  );

/** N1 ItemSlips: the slip with its flags. */
export const ITEM_SLIP = model([
  "Seri:s FatUst:o EIrsEkBilgi:o HalFaturaMasraflari:o Meta:o Name:s KalemAdedi:i FaturaTip:e",
  "SonNumaraYazilsin:b OtoIskontoGetir:b KosulluHesapla:b InternalObjectAddress:i SeriliHesapla:b",
  "FiyatSistemineGoreHesapla:b StokKartinaGoreHesapla:b OtoVadeGunGetir:b OtomatikIslemTipiGetir:b",
  "OtomatikOdemeKoduGetir:b MaliyetTipineGoreHesapla:b OtomatikCevrimYapilsin:b",
  "KayitliNumaraOtomatikGuncellensin:b Siralama:s EPostaGonderilsin:b OtoNakliyeKatSayisiGetir:b",
  "OtoBolgeFarkIskGetir:b RiskKontrol:b TahsilatKalemAdedi:i TahsilatKayitKullan:b AcikBelgeTahsilat:b",
  "BaglantiKontrol:b FaturaOtvTevkifatHesaplansin:b YuklemeGunuHesapla:b Kalems:o YedekKalems:o Tahsilats:o",
]);

/** N1 ItemSlipsHeader: FatUst. */
export const SLIP_HEADER = model([
  "Meta:o Sube_Kodu:i CariKod:s FATIRS_NO:s Tarih:t Tip:e KOD1:s YEDEK:s KOD2:s TIPI:e Aciklama:s",
  "BRUTTUTAR:d KDV:d DovizTut:d SAT_ISKT:d GENELTOPLAM:d YUVARLAMA:d MFAZ_ISKT:d GEN_ISK1O:d GEN_ISK2O:d",
  "GEN_ISK3O:d FAT_ALTM1:d FAT_ALTM2:d KS_KODU:s SIPARIS_NUMARASI:s ODEMEGUNU:i ODEMETARIHI:t ENTEGRE_TRH:t",
  "KDV_DAHILMI:b SIPARIS_TEST:t CARI_KOD2:s PLA_KODU:s SIRANO:i DOVIZTIP:i Proje_Kodu:s KOSULKODU:s",
  "FIYATTARIHI:t KOSULTARIHI:t GENISK1TIP:i GENISK2TIP:i GENISK3TIP:i EXPORTTYPE:i EXGUMRUKNO:s",
  "EXGUMTARIH:t EXFIILITARIH:t EXPORTREFNO:s AMBHARTUR:e OnayTipi:s OnayNum:i GCKOD_GIRIS:i GCKOD_CIKIS:i",
  "EKACK1:s EKACK2:s EKACK3:s EKACK4:s EKACK5:s EKACK6:s EKACK7:s EKACK8:s EKACK9:s EKACK10:s EKACK11:s",
  "EKACK12:s EKACK13:s EKACK14:s EKACK15:s EKACK16:s GEN_ISK1T:d GEN_ISK2T:d GEN_ISK3T:d CikisYeri:e",
  "Degissin:e TopGirDepo:i TopDepo:i FiiliTarih:t OdemeKodu:s S_Yedek1:s KOSVADEGUNU:i BrMaliyet:d",
  "BOLGE_FARKI_ISK:d KDV1T:d KDV1O:d KDV2O:d KDV2T:d KDV3O:d KDV3T:d KDV4O:d KDV4T:d KDV5O:d KDV5T:d",
  "EfaturaCarisiMi:b GIB_FATIRS_NO:s BaglantiNo:i EFatOzelKod:i OKCSeriNo:s ZRaporNo:s OKCTarih:t",
  "OKCFisNo:s OKCFisTip:s OTV:d EIrsaliye:b HalFaturasi:e FAT_ALTM3:d DovBazTarihi:t OTVTevTutar:d Bform:s",
  "EFatHarcamaBir:s Konaklama:b",
]);

/** N1 ItemSlipLines: one of Kalems. */
export const SLIP_LINE = model([
  "DovizAdi:s STra_DovizAdi:s KalemSeri:o Asorti:o KosulMalFazlasiIsle:b Meta:o StokKodu:s Sira:i",
  "STra_FATIRSNO:s STra_GCMIK:d STra_GCMIK2:d CEVRIM:d STra_TAR:t STra_NF:d STra_BF:d STra_IAF:d STra_KDV:d",
  "STra_SatIsk:d STra_SatIsk2:d STra_MALFISK:d STra_HTUR:s STra_DOVTIP:i PROMASYON_KODU:i STra_DOVFIAT:d",
  "STra_ODEGUN:i STra_KOD1:s STra_KOD2:s STra_SIPNUM:s STra_SIP_TURU:s Plasiyer_Kodu:s Ekalanneden:s",
  "Ekalan:s Ekalan1:s Stra_Otv:d Redneden:i STra_SIPKONT:i Ambarkabulno:s Firmadovtip:i Firmadovtut:d",
  "Firmadovmal:d Update_Kodu:s Irsaliyeno:s Irsaliyetar:t Stra_KosulK:s Ecza_fat_tip:i STra_testar:t",
  "Olcubr:i Vadetar:t Listeno:s BaglantiNo:i BrCevrim1:d BrCevrim2:d Yed_Bf:d STra_BGTIP:s MuhasebeKodu:s",
  "ReferansKodu:s C_Yedek6:s ProjeKodu:s STra_FTIRSIP:s STra_CARI_KOD:s STra_GC:s DEPO_KODU:i",
  "Gir_Depo_Kodu:i STra_ACIK:s Stra_OnayTipi:s Stra_OnayNum:i Stra_SubeKodu:i Stok_IsletmeKod:i",
  "Stok_SubeKod:i Stra_Exporttype:i IncKeyNo:i IncKeyNo2:i TesMik:d TesMFMik:d MALADI:s SATREF_KOD:s",
  "STOK_GRKOD:s STOK_FIYATKODU:s STMUHDKOD:i SONGIRBFIAT:d OBR1:s OBR2:s OBR3:s SabitDepKod:i DOVTIP:i",
  "DOVIZ_TURU:i Fiyatlar1:d Fiyatlar2:d Fiyatlar3:d Fiyatlar4:d Fiyatlar5:d Fiyatlar6:d Fiyatlar7:d Kilit:s",
  "SatisKDVOran:d AlisKDVOran:d Isk_Flag:e SipTesKont:i Mamulmu:s SeriTakibi:s Stra_Exportmik:d",
  "STra_SatIsk3:d Stra_KosTar:t Stra_FiyatTar:t S_Yedek2:s Kul_Mik:d Fiat_birimi:i Satici_Kodu:s",
  "Sat_IskTipleri1:i Sat_IskTipleri2:i Sat_IskTipleri3:i Koli_Inc:i KoliStok:b Tur:s Stra_FiiliTar:t",
  "BirimPuan:i PuanDeger:d KalemGenIskOran1:d KalemGenIskOran2:d KalemGenIskOran3:d OtvFlag:i Otvtut:d",
  "STra_SatIsk4:d STra_SatIsk5:d STra_SatIsk6:d Kull1S:s KKMalF:d Stra_FiyatBirimi:i Stra_IrsKont:i",
  "SatisKilit:s Payda_1:d D_YEDEK10:t Sat_IskTipleri4:i Sat_IskTipleri5:i Sat_IskTipleri6:i YapKod:s",
  "EsnekMi:b SeriSayisi:i Stra_OTVFiat:d BolgeFark:d KunyeNo:s MalSahibi:s MalSahibiTCKNO:s GEKAPTutar:d",
  "GEKAPAmbTutar:d KalemStopajOran:d SatirBaziAciks:o BRCevrims:d",
]);
